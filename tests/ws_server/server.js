// MQTT over WebSocket for the integration tests: an aedes broker behind aedes-server-factory.
// Usage: node server.js <port> <normal|refuse-404|no-subprotocol|ping-close|frames>
//                       [<cert> <key>]
// With a certificate and key it serves wss, otherwise ws. Prints "listening" when ready.
'use strict'
const fs = require('fs')
const http = require('http')
const https = require('https')
const WebSocket = require('ws')
const { Aedes } = require('aedes')
const { createServer } = require('aedes-server-factory')

// A QoS 0 PUBLISH (MQTT 3.1.1) of `payload` on the topic "w/f".
function publish (payload) {
  const body = Buffer.concat([Buffer.from([0x00, 0x03]), Buffer.from('w/f'), Buffer.from(payload)])
  return Buffer.concat([Buffer.from([0x30, body.length]), body])
}

// Once CONNECT arrives: CONNACK and a PUBLISH in one frame, a PUBLISH split across two frames,
// then two PUBLISHes in one frame. A client must see "one", "two", "three", "four".
function sendAcrossFrames (ws) {
  ws.once('message', () => {
    const connack = Buffer.from([0x20, 0x02, 0x00, 0x00])
    ws.send(Buffer.concat([connack, publish('one')]))
    const two = publish('two')
    ws.send(two.subarray(0, 4))
    ws.send(two.subarray(4))
    ws.send(Buffer.concat([publish('three'), publish('four')]))
  })
}

async function main () {
  const [port, mode, certFile, keyFile] = process.argv.slice(2)
  const tls = certFile ? { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) } : null
  const broker = await Aedes.createBroker()
  let server
  if (mode === 'normal') {
    server = createServer(broker, tls ? { ws: true, https: tls } : { ws: true })
    // What clients published, for the tests to check ($SYS and will messages have no client).
    broker.on('publish', (packet, client) => {
      if (client) console.log(`publish ${packet.topic} ${packet.payload.toString()}`)
    })
  } else {
    // Misbehaving servers for the failure tests, written by hand.
    server = tls ? https.createServer(tls) : http.createServer()
    const pingClose = mode === 'ping-close'
    const frames = mode === 'frames'
    const wss = new WebSocket.Server({
      noServer: true,
      handleProtocols: (protocols) =>
        (pingClose || frames) && [...protocols].includes('mqtt') ? 'mqtt' : false
    })
    server.on('upgrade', (req, socket, head) => {
      if (mode === 'refuse-404') {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (frames) return sendAcrossFrames(ws)
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
