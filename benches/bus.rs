//! One round of the kiosk's poll loop against the simulator with wire-time
//! emulation: 1, 8 and 32 lb48 boards at 9600 and 115200 baud. Each report line
//! is followed by the docs/PERFORMANCE.md wire-time limit to compare with. Kept short:
//! flat sampling, ten samples, 2.5 s per case.

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use locker::bus::bench::{LoopBench, scan_limit};
use locker::bus::modbus::BusConfig;
use locker::hardware::{Bank, embedded_profile};
use locker::sim::{SimLink, SimOptions, Simulator};

fn scan_cycle(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let _enter = rt.enter();
    let lb48 = embedded_profile("lb48").expect("built-in lb48");
    let mut group = c.benchmark_group("bus_scan_cycle");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(2500));
    for baud in [9600u32, 115_200] {
        for boards in [1u8, 8, 32] {
            let bank = Bank::uniform(&lb48, boards);
            let opts = SimOptions {
                baud,
                ..SimOptions::default()
            };
            let sim = Simulator::start(&bank, SimLink::Pty(None), opts).expect("simulator");
            let mut cfg = BusConfig::new(sim.path().display().to_string());
            cfg.baud = baud;
            let mut bench = rt
                .block_on(LoopBench::start(&bank, cfg))
                .expect("poll loop");
            eprintln!(
                "{boards} board(s) at {baud} baud: wire-time limit {:.2} ms",
                scan_limit(&bank, baud).as_secs_f64() * 1000.0
            );
            group.bench_function(format!("{boards}_boards_{baud}_baud"), |b| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let t = Instant::now();
                        for _ in 0..iters {
                            let (_, all_answered) = bench.cycle().await;
                            assert!(all_answered, "a board did not answer");
                        }
                        t.elapsed()
                    })
                })
            });
            drop(sim);
        }
    }
    group.finish();
}

criterion_group!(benches, scan_cycle);
criterion_main!(benches);
