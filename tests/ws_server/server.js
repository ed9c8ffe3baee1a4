// MQTT over WebSocket for the integration tests: an aedes broker behind aedes-server-factory.
// Usage: node server.js <port> <normal|refuse-404|no-subprotocol|ping-close> [<cert> <key>]
// With a certificate and key it serves wss, otherwise ws. Prints "listening" when ready.
'use strict'
const fs = require('fs')
const http = require('http')
const https = require('https')
const WebSocket = require('ws')
const { Aedes } = require('aedes')
const { createServer } = require('aedes-server-factory')

async function main () {
  const [port, mode, certFile, keyFile] = process.argv.slice(2)
  const tls = certFile ? { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) } : null
  const broker = await Aedes.createBroker()
  let server
  if (mode === 'normal') {
    server = createServer(broker, tls ? { ws: true, https: tls } : { ws: true })
  } else {
    // Misbehaving servers for the failure tests, written by hand.
    server = tls ? https.createServer(tls) : http.createServer()
    const pingClose = mode === 'ping-close'
    const wss = new WebSocket.Server({
      noServer: true,
      handleProtocols: (protocols) =>
        pingClose && [...protocols].includes('mqtt') ? 'mqtt' : false
    })
    server.on('upgrade', (req, socket, head) => {
      if (mode === 'refuse-404') {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (!pingClose) return ws.close()
        // Once the MQTT session is up: ping, and close the WebSocket when the pong comes.
        broker.handle(WebSocket.createWebSocketStream(ws))
        broker.once('clientReady', () => ws.ping('probe'))
        ws.on('pong', (data) => {
          console.log(`pong ${data}`)
          ws.close(1000, 'bye')
        })
      })
    })
  }
  // What the client asked for, for the tests to check.
  server.on('upgrade', (req) => {
    console.log(`upgrade ${req.url} protocol=${req.headers['sec-websocket-protocol']} ` +
      `x-test=${req.headers['x-test']}`)
  })
  server.listen(Number(port), '127.0.0.1', () => console.log('listening'))
  process.on('SIGTERM', () => process.exit(0))
}

main()
