"""Prometheus request metrics of the shop, on the standard library.

GET /metrics answers what prometheus_client would publish for the API
requests (paths under /api/; /healthz and /metrics are not counted), in the
text exposition format 0.0.4:

  http_requests_total{method,code}                      counter
  http_request_duration_seconds_bucket{method,code,le}  histogram (client_golang's
  http_request_duration_seconds_sum / _count            default buckets)

The service, revision and namespace labels are the scraper's to add (in
Kubernetes: relabelling of the pod's labels, as docs/kube-testing.md shows).
"""
import threading

# client_golang's and prometheus_client's default buckets, in seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Requests:
    """Request counts and latencies by (method, code); thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._series = {}  # (method, code) -> [count, sum, [per-bucket counts]]

    def observe(self, method, code, seconds):
        key = (method, str(code))
        with self._lock:
            s = self._series.get(key)
            if s is None:
                s = self._series[key] = [0, 0.0, [0] * len(BUCKETS)]
            s[0] += 1
            s[1] += seconds
            for i, le in enumerate(BUCKETS):
                if seconds <= le:
                    s[2][i] += 1
                    break

    def exposition(self):
        """The series in the text format, every line ending in a newline."""
        with self._lock:
            series = {k: (v[0], v[1], list(v[2])) for k, v in self._series.items()}
        out = [
            "# HELP http_requests_total API requests served, by method and status code.",
            "# TYPE http_requests_total counter",
        ]
        for (method, code), (count, _, _) in sorted(series.items()):
            out.append(f'http_requests_total{{method="{method}",code="{code}"}} {count}')
        out += [
            "# HELP http_request_duration_seconds Time to answer an API request.",
            "# TYPE http_request_duration_seconds histogram",
        ]
        for (method, code), (count, total, buckets) in sorted(series.items()):
            labels = f'method="{method}",code="{code}"'
            cumulative = 0
            for le, n in zip(BUCKETS, buckets):
                cumulative += n
                out.append(f'http_request_duration_seconds_bucket{{{labels},le="{le}"}} {cumulative}')
            out.append(f'http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {count}')
            out.append(f"http_request_duration_seconds_sum{{{labels}}} {total!r}")
            out.append(f"http_request_duration_seconds_count{{{labels}}} {count}")
        return "\n".join(out) + "\n"
