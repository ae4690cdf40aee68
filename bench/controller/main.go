// Command controller-bench measures the Release controller at scale on a
// real control plane (scripts/kube-up.sh, KWOK nodes): it creates N stable
// Deployments, runs the controller in-process (controller.NewManager),
// creates N Releases at once and reports reconcile latency (the
// controller's histograms), time from create to Promoted, API requests the
// controller made, and the process's memory and CPU.
//
// It is run by bench/controller/run.sh, which starts and stops the cluster.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

type config struct {
	kubeconfig  string
	n           int
	replicas    int32
	perNS       int
	workers     int
	qps         float32
	burst       int
	pause       time.Duration
	timeout     time.Duration
	cpuprofile  string
	memprofile  string
	createConns int
}

func main() {
	var c config
	var qps float64
	flag.IntVar(&c.n, "n", 200, "concurrent Releases (one Deployment each)")
	flag.IntVar(&c.perNS, "per-namespace", 0, "Deployments per namespace (0 = all in one namespace)")
	var replicas int
	flag.IntVar(&replicas, "replicas", 1, "replicas of each stable Deployment")
	flag.IntVar(&c.workers, "workers", 0, "controller MaxConcurrentReconciles (0 = the controller's default)")
	flag.Float64Var(&qps, "qps", 0, "controller API client QPS (0 = the controller's default)")
	flag.IntVar(&c.burst, "burst", 0, "controller API client burst (0 = the controller's default)")
	flag.DurationVar(&c.pause, "pause", 2*time.Second, "the pause step between setWeight 50 and setWeight 100")
	flag.DurationVar(&c.timeout, "timeout", 15*time.Minute, "give up waiting for every Release to finish after this")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of the rollout window here")
	flag.StringVar(&c.memprofile, "memprofile", "", "write a heap profile at the end here")
	flag.IntVar(&c.createConns, "create-parallel", 32, "goroutines creating Releases")
	flag.Parse()
	c.qps, c.replicas = float32(qps), int32(replicas)
	// controller-runtime registers -kubeconfig (the cluster's kubeconfig).
	if f := flag.Lookup("kubeconfig"); f != nil {
		c.kubeconfig = f.Value.String()
	}
	if c.kubeconfig == "" || c.n <= 0 || replicas <= 0 {
		fmt.Fprintln(os.Stderr, "controller-bench: -kubeconfig is required; -n and -replicas must be positive")
		os.Exit(2)
	}
	// An interrupt ends the wait and still prints what was measured.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "controller-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: %w", c.kubeconfig, err)
	}
	b, err := newBench(cfg, c)
	if err != nil {
		return err
	}
	if err := b.setup(ctx); err != nil {
		return err
	}
	stop, err := b.startController(ctx)
	if err != nil {
		return err
	}
	defer stop()
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	res, err := b.rollout(ctx)
	if c.memprofile != "" {
		if f, ferr := os.Create(c.memprofile); ferr == nil {
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	if res != nil {
		res.print(os.Stdout, c)
	}
	if err != nil {
		return err
	}
	if res.done < c.n {
		return errors.New("not every Release finished: see the table")
	}
	return nil
}
