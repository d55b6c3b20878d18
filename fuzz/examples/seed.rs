//! Writes the seed corpora: `seed OUT_DIR REPO_ROOT [DGC_TESTDATA_DIR]`.
//!
//! Sources, each into `OUT_DIR/<target>/`:
//! - the in-process builders of `healthcert_fuzz::seeds` (always);
//! - the committed fixtures, `REPO_ROOT/fixtures/` (when present): payloads,
//!   their COSE and zlib layers, DCC JSON, the trust lists, and each payload
//!   rendered as a QR camera frame;
//! - the EU dgc-testdata checkout (when given and present): the `PREFIX`,
//!   `COSE`, `COMPRESSED`, `JSON`, `TESTCTX.CERTIFICATE` and
//!   `TESTCTX.VALIDATIONCLOCK` fields of every test case;
//! - the SMART Health Cards spec examples (directory in `$SHC_EXAMPLES`,
//!   when set and present): their numeric QR codes and JWS (`shc`), FHIR
//!   bundles (`shc_fhir`) and the example issuer's JWKS (`trust_list`).
//!
//! External files are read, never copied: only the derived seeds are
//! written, into the gitignored corpus directory.
//!
//! Run through `fuzz/seed.sh`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use healthcert_core::formats::PrefixPolicy;
use healthcert_core::formats::hcert::transport;
use healthcert_fuzz::seeds;
use serde_json::Value;

struct Corpus {
    out: PathBuf,
    written: BTreeSet<(String, Vec<u8>)>,
}

impl Corpus {
    fn add(&mut self, target: &str, data: &[u8]) {
        if data.len() > 20_000 || !self.written.insert((target.to_owned(), data.to_vec())) {
            return;
        }
        let dir = self.out.join(target);
        fs::create_dir_all(&dir).expect("create the corpus directory");
        let name = format!("seed-{:016x}", fnv1a(data));
        fs::write(dir.join(name), data).expect("write a seed");
    }

    /// A transport seed: two bytes of inflate cap (4095), then the data.
    fn add_transport(&mut self, data: &[u8]) {
        let mut v = vec![0xff, 0x0f];
        v.extend_from_slice(data);
        self.add("transport", &v);
    }

    /// A payload and every layer inside it.
    fn add_payload(&mut self, text: &str) {
        self.add("verify_payload", text.as_bytes());
        self.add_transport(text.as_bytes());
        let Ok((body, _)) = transport::strip_prefix(text.trim(), PrefixPolicy::Optional) else { return };
        let Ok(compressed) = transport::base45(body) else { return };
        self.add_transport(&compressed);
        if let Ok(cose) = transport::inflate(&compressed, 64 * 1024) {
            self.add("cose", &cose);
        }
    }
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// Every date-like string in a JSON document.
fn dates(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.len() >= 10 && s.as_bytes()[4] == b'-' => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| dates(x, out)),
        Value::Object(o) => o.values().for_each(|x| dates(x, out)),
        _ => {}
    }
}

fn fixtures(c: &mut Corpus, root: &Path) -> usize {
    let before = c.written.len();
    for seed in seeds::trust_protocol_seeds(&root.join("fixtures")) {
        c.add("trust_protocol", &seed);
    }
    let mut list = Vec::new();
    files(&root.join("fixtures/hcert"), "txt", &mut list);
    for p in &list {
        if let Ok(text) = fs::read_to_string(p) {
            c.add_payload(text.trim());
            // The payload as a camera frame, one pixel per module.
            if let Some((plane, side)) = seeds::qr_plane(text.trim().as_bytes(), 1) {
                c.add("scan", &seeds::scan_input(&plane, side, side, 0));
            }
        }
    }
    let mut list = Vec::new();
    files(&root.join("fixtures/hcert"), "json", &mut list);
    for p in &list {
        if let Ok(bytes) = fs::read(p) {
            c.add("schema", &bytes);
            if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
                let mut d = Vec::new();
                dates(&v, &mut d);
                d.iter().for_each(|s| c.add("time_parse", s.as_bytes()));
            }
        }
    }
    let mut list = Vec::new();
    files(&root.join("fixtures/trust"), "json", &mut list);
    files(&root.join("fixtures/trust"), "pem", &mut list);
    files(&root.join("fixtures/untrusted"), "pem", &mut list);
    for p in &list {
        if let Ok(bytes) = fs::read(p) {
            c.add("trust_list", &bytes);
        }
    }
    c.written.len() - before
}

fn dgc_testdata(c: &mut Corpus, dir: &Path) -> usize {
    let before = c.written.len();
    let mut list = Vec::new();
    files(dir, "json", &mut list);
    for p in &list {
        let Ok(bytes) = fs::read(p) else { continue };
        let Ok(case) = serde_json::from_slice::<Value>(&bytes) else { continue };
        let field = |k: &str| case.get(k).and_then(Value::as_str);
        if let Some(prefix) = field("PREFIX") {
            c.add_payload(prefix);
        }
        if let Some(cose) = field("COSE").and_then(hex) {
            c.add("cose", &cose);
        }
        if let Some(z) = field("COMPRESSED").and_then(hex) {
            c.add_transport(&z);
        }
        if let Some(json) = case.get("JSON").filter(|j| j.is_object()) {
            c.add("schema", &serde_json::to_vec(json).expect("JSON"));
            let mut d = Vec::new();
            dates(json, &mut d);
            d.iter().for_each(|s| c.add("time_parse", s.as_bytes()));
        }
        let ctx = case.get("TESTCTX");
        if let Some(clock) = ctx.and_then(|t| t.get("VALIDATIONCLOCK")).and_then(Value::as_str) {
            c.add("time_parse", clock.as_bytes());
        }
        if let Some(cert) = ctx.and_then(|t| t.get("CERTIFICATE")).and_then(Value::as_str) {
            if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(cert.trim()) {
                c.add("trust_list", &der);
            }
            let list = serde_json::json!([{"kid": "AAAAAAAAAAA=", "country": "XX", "rawData": cert}]);
            c.add("trust_list", &serde_json::to_vec(&list).expect("JSON"));
        }
    }
    c.written.len() - before
}

fn shc_examples(c: &mut Corpus, dir: &Path) -> usize {
    let before = c.written.len();
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for p in names {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let Ok(bytes) = fs::read(&p) else { continue };
        if name.contains("-f-qr-code-numeric-value-") || name.ends_with("-d-jws.txt") {
            c.add("shc", bytes.trim_ascii());
            c.add("shc_validate", &bytes);
        } else if name.ends_with("-a-fhirBundle.json") {
            c.add("shc_fhir", &bytes);
            c.add("shc_validate", &bytes);
        } else if name.ends_with("-b-jws-payload-expanded.json") || name.ends_with("-e-file.smart-health-card") {
            c.add("shc_validate", &bytes);
        }
    }
    if let Ok(jwks) = fs::read(dir.join("issuer/.well-known/jwks.json")) {
        c.add("trust_list", &jwks);
    }
    c.written.len() - before
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, root, rest @ ..] = &args[..] else {
        eprintln!("usage: seed OUT_DIR REPO_ROOT [DGC_TESTDATA_DIR]");
        std::process::exit(2);
    };
    let mut c = Corpus { out: PathBuf::from(out), written: BTreeSet::new() };

    for p in seeds::payload_seeds() {
        c.add("verify_payload", &p);
        c.add_transport(&p);
    }
    for p in seeds::cose_seeds() {
        c.add("cose", &p);
        c.add_transport(&seeds::zlib(&p));
    }
    seeds::trust_seeds().iter().for_each(|s| c.add("trust_list", s));
    seeds::time_seeds().iter().for_each(|s| c.add("time_parse", s));
    seeds::text_seeds().iter().for_each(|s| c.add("text", s));
    seeds::schema_seeds().iter().for_each(|s| c.add("schema", s));
    seeds::certlogic_seeds().iter().for_each(|s| c.add("certlogic", s));
    seeds::structured_seeds().iter().for_each(|s| c.add("verify_hc1_structured", s));
    seeds::scan_seeds().iter().for_each(|s| c.add("scan", s));
    seeds::qr_segments_seeds().iter().for_each(|s| c.add("qr_segments", s));
    seeds::picture_seeds().iter().for_each(|s| c.add("picture", s));
    seeds::shc_seeds().iter().for_each(|s| c.add("shc", s));
    seeds::shc_fhir_seeds().iter().for_each(|s| c.add("shc_fhir", s));
    seeds::shc_fhir_seeds().iter().for_each(|s| c.add("shc_validate", s));
    seeds::icao_seeds().iter().for_each(|s| c.add("icao", s));
    seeds::divoc_seeds().iter().for_each(|s| c.add("divoc", s));
    let builtin = c.written.len();

    let from_fixtures = fixtures(&mut c, Path::new(root));
    let from_dgc = rest.first().map_or(0, |d| dgc_testdata(&mut c, Path::new(d)));
    let from_shc = std::env::var_os("SHC_EXAMPLES").map_or(0, |d| shc_examples(&mut c, Path::new(&d)));
    println!(
        "seeds: {builtin} built in, {from_fixtures} from fixtures/, {from_dgc} from dgc-testdata, \
         {from_shc} from the SMART Health Cards examples"
    );
    let mut per: std::collections::BTreeMap<&str, usize> = Default::default();
    for (t, _) in &c.written {
        *per.entry(t.as_str()).or_default() += 1;
    }
    for (t, n) in per {
        println!("  {t}: {n}");
    }
}
