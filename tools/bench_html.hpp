// The HTML report of `portmqtt bench --html FILE`: one self-contained file (no script, no
// external resource) with the summary, a rate-over-time plot, a connected-clients plot and a
// latency histogram per measured latency, drawn as inline SVG.
#pragma once

#include <string>

#include "bench_report.hpp"

namespace portmqtt::tools {

std::string html_report(const BenchResult& result);

}  // namespace portmqtt::tools
