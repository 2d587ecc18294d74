//! The CSV reader on a large generated cohort file (issue 18: 200 MB in <= 3 s, peak RSS <= 2x
//! the file).
//!
//! ```text
//! cargo run --release --example csv_ingest -- write /tmp/cohort200.csv 200   # ~200 MB
//! /usr/bin/time -v cargo run --release --example csv_ingest -- read /tmp/cohort200.csv
//! /usr/bin/time -v target/release/examples/analyze km --time time --event status /tmp/cohort200.csv
//! ```
//! `write FILE MB` writes a cohort CSV of about MB megabytes (deterministic): an integer id,
//! a time with one or two decimals, a 0/1 status, an integer age, sex and arm as text, ECOG
//! 0-3, a weight with one decimal and a marker with six decimals; 1 % of ages and markers are
//! `NA`. `read FILE` reads it with `Table::from_csv_path` and prints the seconds, the rows and
//! the column kinds.

use std::io::Write;
use std::time::Instant;

use oncostat::frame::Table;

/// SplitMix64: a tiny deterministic generator.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn write(path: &str, megabytes: f64) -> std::io::Result<()> {
    let target = (megabytes * 1e6) as u64;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let header = "id,time,status,age,sex,arm,ecog,weight,marker\n";
    out.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let mut rng = SplitMix(20261201);
    let arms = ["control", "dose low", "dose high"];
    let mut id = 0u64;
    let mut line = String::with_capacity(128);
    while written < target {
        id += 1;
        line.clear();
        let age = 30 + (rng.uniform() * 55.0) as u32;
        let male = rng.uniform() < 0.55;
        let arm = arms[(rng.uniform() * 3.0) as usize % 3];
        let ecog = (rng.uniform() * 4.0) as u32;
        let t = -rng.uniform().ln() * 800.0;
        let status = u32::from(rng.uniform() < 0.7);
        let weight = 45.0 + 60.0 * rng.uniform();
        let marker = rng.uniform() * 10.0;
        let age = if rng.uniform() < 0.01 {
            "NA".to_string()
        } else {
            age.to_string()
        };
        let marker = if rng.uniform() < 0.01 {
            "NA".to_string()
        } else {
            format!("{marker:.6}")
        };
        let decimals = if id.is_multiple_of(2) { 1 } else { 2 };
        line.push_str(&format!(
            "{id},{t:.decimals$},{status},{age},{},{arm},{ecog},{weight:.1},{marker}\n",
            if male { "male" } else { "female" }
        ));
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
    }
    out.flush()?;
    println!("{path}: {written} bytes, {id} rows");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write", path, mb] => write(path, mb.parse()?)?,
        ["read", path] => {
            let start = Instant::now();
            let t = Table::from_csv_path(path)?;
            let secs = start.elapsed().as_secs_f64();
            let kinds: Vec<String> = t
                .columns()
                .map(|(n, c)| format!("{n}:{}", c.kind()))
                .collect();
            println!(
                "read {} rows x {} columns in {secs:.3} s ({})",
                t.nrows(),
                t.ncols(),
                kinds.join(" ")
            );
        }
        _ => return Err("usage: csv_ingest write FILE MB | csv_ingest read FILE".into()),
    }
    Ok(())
}
