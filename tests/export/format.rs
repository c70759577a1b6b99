//! The exact text of both formats for a segment with every kind of field;
//! `promtool check metrics` on both, and prometheus_client's strict OpenMetrics parser.

use std::process::{Command, Stdio};

use shm_atomics::Segment;

use crate::support::{PoseSnapshot, WebStats, promtool, promtool_check, shma, shma_ok};

/// A `WebStats` segment named `web` with a value in every field.
pub fn web(dir: &std::path::Path) -> Segment<WebStats> {
    let seg = Segment::<WebStats>::create(dir.join("web")).expect("create");
    seg.requests_total().store(42);
    seg.hits().add(5);
    seg.hits().cells()[2].value().fetch_add(2);
    seg.temp_celsius().store(21.5);
    seg.up().store(true);
    seg.delta().store(-3);
    seg.big().store(u128::MAX);
    seg.tag().store(*b"abcdefgh");
    seg.pose().write(&PoseSnapshot { x: 1.5, y: -0.25 });
    seg.latency()[1].store(7);
    seg.ports()[1].rx_bytes().store(1 << 40);
    seg.ports()[0].errors_total().store(9);
    seg
}

/// The Prometheus text format 0.0.4 of [`web`]: counters (`_total`, striped as their
/// sum), gauges, a bool as 1, a u128 exactly, a Seq record's values, array indexes as
/// labels; the bytes field `tag` and the Event `ready` left out.
pub const PROMETHEUS: &str = r#"# HELP shma_web_stats_requests_total Field requests_total of layout WebStats (u64)
# TYPE shma_web_stats_requests_total counter
shma_web_stats_requests_total{segment="web",path="requests_total"} 42
# HELP shma_web_stats_hits_total Field hits of layout WebStats (u64, the sum of 4 striped cells)
# TYPE shma_web_stats_hits_total counter
shma_web_stats_hits_total{segment="web",path="hits"} 7
# HELP shma_web_stats_temp_celsius Field temp_celsius of layout WebStats (f32)
# TYPE shma_web_stats_temp_celsius gauge
shma_web_stats_temp_celsius{segment="web",path="temp_celsius"} 21.5
# HELP shma_web_stats_up Field up of layout WebStats (bool)
# TYPE shma_web_stats_up gauge
shma_web_stats_up{segment="web",path="up"} 1
# HELP shma_web_stats_delta Field delta of layout WebStats (i16)
# TYPE shma_web_stats_delta gauge
shma_web_stats_delta{segment="web",path="delta"} -3
# HELP shma_web_stats_big Field big of layout WebStats (u128; 128-bit: written exactly, held by Prometheus as a 64-bit float (exact up to 2^53))
# TYPE shma_web_stats_big gauge
shma_web_stats_big{segment="web",path="big"} 340282366920938463463374607431768211455
# HELP shma_web_stats_pose_x Field pose.x of layout WebStats (f64, from one consistent read of its Seq record)
# TYPE shma_web_stats_pose_x gauge
shma_web_stats_pose_x{segment="web",path="pose.x"} 1.5
# HELP shma_web_stats_pose_y Field pose.y of layout WebStats (f64, from one consistent read of its Seq record)
# TYPE shma_web_stats_pose_y gauge
shma_web_stats_pose_y{segment="web",path="pose.y"} -0.25
# HELP shma_web_stats_latency Field latency[*] of layout WebStats (u32)
# TYPE shma_web_stats_latency gauge
shma_web_stats_latency{segment="web",path="latency[0]",index="0"} 0
shma_web_stats_latency{segment="web",path="latency[1]",index="1"} 7
shma_web_stats_latency{segment="web",path="latency[2]",index="2"} 0
# HELP shma_web_stats_ports_rx_bytes Field ports[*].rx_bytes of layout WebStats (u64)
# TYPE shma_web_stats_ports_rx_bytes gauge
shma_web_stats_ports_rx_bytes{segment="web",path="ports[0].rx_bytes",index="0"} 0
shma_web_stats_ports_rx_bytes{segment="web",path="ports[1].rx_bytes",index="1"} 1099511627776
# HELP shma_web_stats_ports_errors_total Field ports[*].errors_total of layout WebStats (u32)
# TYPE shma_web_stats_ports_errors_total counter
shma_web_stats_ports_errors_total{segment="web",path="ports[0].errors_total",index="0"} 9
shma_web_stats_ports_errors_total{segment="web",path="ports[1].errors_total",index="1"} 0
"#;

/// The OpenMetrics 1.0 text of [`web`]: counter metadata named by the family (without
/// `_total`), `# UNIT` for names ending in a unit, `# EOF`.
pub const OPENMETRICS: &str = r#"# HELP shma_web_stats_requests Field requests_total of layout WebStats (u64)
# TYPE shma_web_stats_requests counter
shma_web_stats_requests_total{segment="web",path="requests_total"} 42
# HELP shma_web_stats_hits Field hits of layout WebStats (u64, the sum of 4 striped cells)
# TYPE shma_web_stats_hits counter
shma_web_stats_hits_total{segment="web",path="hits"} 7
# HELP shma_web_stats_temp_celsius Field temp_celsius of layout WebStats (f32)
# TYPE shma_web_stats_temp_celsius gauge
# UNIT shma_web_stats_temp_celsius celsius
shma_web_stats_temp_celsius{segment="web",path="temp_celsius"} 21.5
# HELP shma_web_stats_up Field up of layout WebStats (bool)
# TYPE shma_web_stats_up gauge
shma_web_stats_up{segment="web",path="up"} 1
# HELP shma_web_stats_delta Field delta of layout WebStats (i16)
# TYPE shma_web_stats_delta gauge
shma_web_stats_delta{segment="web",path="delta"} -3
# HELP shma_web_stats_big Field big of layout WebStats (u128; 128-bit: written exactly, held by Prometheus as a 64-bit float (exact up to 2^53))
# TYPE shma_web_stats_big gauge
shma_web_stats_big{segment="web",path="big"} 340282366920938463463374607431768211455
# HELP shma_web_stats_pose_x Field pose.x of layout WebStats (f64, from one consistent read of its Seq record)
# TYPE shma_web_stats_pose_x gauge
shma_web_stats_pose_x{segment="web",path="pose.x"} 1.5
# HELP shma_web_stats_pose_y Field pose.y of layout WebStats (f64, from one consistent read of its Seq record)
# TYPE shma_web_stats_pose_y gauge
shma_web_stats_pose_y{segment="web",path="pose.y"} -0.25
# HELP shma_web_stats_latency Field latency[*] of layout WebStats (u32)
# TYPE shma_web_stats_latency gauge
shma_web_stats_latency{segment="web",path="latency[0]",index="0"} 0
shma_web_stats_latency{segment="web",path="latency[1]",index="1"} 7
shma_web_stats_latency{segment="web",path="latency[2]",index="2"} 0
# HELP shma_web_stats_ports_rx_bytes Field ports[*].rx_bytes of layout WebStats (u64)
# TYPE shma_web_stats_ports_rx_bytes gauge
# UNIT shma_web_stats_ports_rx_bytes bytes
shma_web_stats_ports_rx_bytes{segment="web",path="ports[0].rx_bytes",index="0"} 0
shma_web_stats_ports_rx_bytes{segment="web",path="ports[1].rx_bytes",index="1"} 1099511627776
# HELP shma_web_stats_ports_errors Field ports[*].errors_total of layout WebStats (u32)
# TYPE shma_web_stats_ports_errors counter
shma_web_stats_ports_errors_total{segment="web",path="ports[0].errors_total",index="0"} 9
shma_web_stats_ports_errors_total{segment="web",path="ports[1].errors_total",index="1"} 0
# EOF
"#;

#[test]
fn exact_text_of_both_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _seg = web(dir.path());
    let p = dir.path().join("web");
    let p = p.to_str().expect("utf-8");
    let (out, err) = shma_ok(&["export", p, "--format", "prometheus"]);
    assert_eq!(out, PROMETHEUS);
    assert_eq!(err, "");
    // The default format, and a directory standing for its segments.
    let d = dir.path().to_str().expect("utf-8");
    assert_eq!(shma_ok(&["export", d]).0, PROMETHEUS);
    assert_eq!(
        shma_ok(&["export", p, "--format", "openmetrics"]).0,
        OPENMETRICS
    );
}

/// promtool accepts the 0.0.4 text with no complaint. promtool 2.42's `check metrics`
/// parses only the 0.0.4 format: on OpenMetrics it objects exactly to the counters,
/// whose metadata OpenMetrics names by the family (`x`) and not the sample (`x_total`);
/// the OpenMetrics text is checked by prometheus_client's strict parser below and by a
/// real Prometheus server (tests/export/prometheus.rs), which negotiates OpenMetrics.
#[test]
fn promtool_checks_both_formats() {
    let Some(pt) = promtool() else { return };
    let (ok, said) = promtool_check(&pt, PROMETHEUS);
    assert!(ok && said.is_empty(), "promtool: {said}");
    let (ok, said) = promtool_check(&pt, OPENMETRICS);
    assert!(!ok);
    let mut complaints: Vec<&str> = said.lines().collect();
    complaints.sort();
    assert_eq!(
        complaints,
        [
            "shma_web_stats_hits_total no help text",
            "shma_web_stats_ports_errors_total no help text",
            "shma_web_stats_requests_total no help text",
        ],
        "{said}"
    );
}

/// A Python with `prometheus_client` (python3, or Debian's /usr/bin/python3 with the
/// python3-prometheus-client package).
fn python_with_client() -> Option<&'static str> {
    ["python3", "/usr/bin/python3"].into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import prometheus_client"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// prometheus_client's OpenMetrics parser (strict: it refuses what the standard does)
/// reads every family with its type, unit and samples.
#[test]
fn prometheus_client_parses_openmetrics() {
    let Some(py) = python_with_client() else {
        assert!(
            std::env::var("SHMA_NO_PROMETHEUS").as_deref() == Ok("1"),
            "no python3 with prometheus_client: install Debian's python3-prometheus-client \
             (or pip install prometheus_client); .ci/run does"
        );
        return;
    };
    let script = "import sys\n\
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as p\n\
        for f in p(sys.stdin.read()):\n\
        \x20   print(f.name, f.type, f.unit or '-', ' '.join(f'{s.name}={s.value}' for s in f.samples))\n";
    let mut child = Command::new(py)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        OPENMETRICS.as_bytes(),
    )
    .expect("feed python");
    let out = crate::support::wait_output(child, std::time::Duration::from_secs(30), "python");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines,
        [
            "shma_web_stats_requests counter - shma_web_stats_requests_total=42",
            "shma_web_stats_hits counter - shma_web_stats_hits_total=7",
            "shma_web_stats_temp_celsius gauge celsius shma_web_stats_temp_celsius=21.5",
            "shma_web_stats_up gauge - shma_web_stats_up=1",
            "shma_web_stats_delta gauge - shma_web_stats_delta=-3",
            "shma_web_stats_big gauge - shma_web_stats_big=340282366920938463463374607431768211455",
            "shma_web_stats_pose_x gauge - shma_web_stats_pose_x=1.5",
            "shma_web_stats_pose_y gauge - shma_web_stats_pose_y=-0.25",
            "shma_web_stats_latency gauge - shma_web_stats_latency=0 \
             shma_web_stats_latency=7 shma_web_stats_latency=0",
            "shma_web_stats_ports_rx_bytes gauge bytes shma_web_stats_ports_rx_bytes=0 \
             shma_web_stats_ports_rx_bytes=1099511627776",
            "shma_web_stats_ports_errors counter - shma_web_stats_ports_errors_total=9 \
             shma_web_stats_ports_errors_total=0",
        ]
    );
}

/// `--output` writes the file whole through a rename: no temporary file is left, the
/// content is the stdout text, and a second export replaces it.
#[test]
fn output_file_is_replaced_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seg = web(dir.path());
    let out_dir = tempfile::tempdir().expect("tempdir");
    let file = out_dir.path().join("shma.prom");
    let (p, f) = (
        dir.path().join("web").to_str().expect("utf-8").to_string(),
        file.to_str().expect("utf-8").to_string(),
    );
    let (stdout, _) = shma_ok(&["export", &p, "--output", &f]);
    assert_eq!(stdout, "");
    assert_eq!(std::fs::read_to_string(&file).expect("read"), PROMETHEUS);
    seg.requests_total().store(43);
    shma_ok(&["export", &p, "--output", &f]);
    let again = std::fs::read_to_string(&file).expect("read");
    assert!(
        again.contains("{segment=\"web\",path=\"requests_total\"} 43\n"),
        "{again}"
    );
    let names: Vec<_> = std::fs::read_dir(out_dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["shma.prom"]);
    // A directory that does not exist: refused with one line, nothing written.
    let out = shma(&["export", &p, "--output", "/nonexistent-dir-shma/x.prom"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("shma: cannot write /nonexistent-dir-shma/x.prom"),
        "{err}"
    );
}

/// In a directory, a file that is not a segment is skipped with one stderr line and the
/// others still export; a hidden file is skipped silently.
#[test]
fn directory_skips_what_is_not_a_segment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _seg = web(dir.path());
    std::fs::write(dir.path().join("junk"), b"not a segment at all").expect("write");
    std::fs::write(dir.path().join(".hidden"), b"x").expect("write");
    let d = dir.path().to_str().expect("utf-8");
    let (out, err) = shma_ok(&["export", d]);
    assert_eq!(out, PROMETHEUS);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("shma: skipped: ") && err.contains("junk"),
        "{err}"
    );
}
