package server

import (
	"net/http"
	rtmetrics "runtime/metrics"
	"strconv"
	"time"

	"github.com/neardup/neardup"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the server's Prometheus registry.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	verdicts *prometheus.CounterVec
	handler  http.Handler
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "neardup_http_requests_total", Help: "HTTP requests served, by route and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "neardup_http_request_duration_seconds", Help: "Time to serve an HTTP request, by route.",
		Buckets: prometheus.ExponentialBuckets(0.0002, 2, 16), // 0.2 ms to 6.5 s
	}, []string{"route"})
	m.verdicts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "neardup_documents_added_total", Help: "Documents added since the start, by verdict (new or duplicate).",
	}, []string{"verdict"})
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	withDet := func(f func(det *neardup.Detector, arts *articles) float64) func() float64 {
		return func() float64 {
			det, arts, err := s.state()
			if err != nil {
				return 0
			}
			return f(det, arts)
		}
	}
	heap := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	m.reg.MustRegister(m.requests, m.latency, m.verdicts,
		gauge("neardup_index_documents", "Documents in the index.", withDet(func(det *neardup.Detector, _ *articles) float64 { return float64(det.Len()) })),
		gauge("neardup_articles", "Documents whose text the service holds (the index's window may have evicted some).",
			withDet(func(_ *neardup.Detector, arts *articles) float64 { return float64(arts.len()) })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "neardup_evictions_total", Help: "Documents the index's window evicted since the start."},
			withDet(func(det *neardup.Detector, _ *articles) float64 { return float64(s.evicted(det)) })),
		gauge("neardup_index_memory_bytes", "Bytes of live heap objects: the index and what the requests in flight hold.", func() float64 {
			rtmetrics.Read(heap)
			return float64(heap[0].Value.Uint64())
		}),
		gauge("neardup_snapshot_age_seconds", "Age of the index snapshot; -1 when there is none.", withDet(func(*neardup.Detector, *articles) float64 { return s.snapshotAge() })),
		gauge("neardup_ready", "1 once the index is loaded.", func() float64 {
			if s.ready.Load() {
				return 1
			}
			return 0
		}),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }

func (m *metrics) verdict(dup bool) {
	v := "new"
	if dup {
		v = "duplicate"
	}
	m.verdicts.WithLabelValues(v).Inc()
}

// statusWriter records the status code of an answer.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap counts and times the requests of one route.
func (m *metrics) wrap(route string, h http.Handler) http.Handler {
	lat := m.latency.WithLabelValues(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		lat.Observe(time.Since(start).Seconds())
		m.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Inc()
	})
}
