//! Certificates the fixture revocation service (`trust/revocation/`,
//! `crate::revocation`) revokes: one per mode (a kid each) and hash type.
//! Without that service's data they are valid; after
//! `trust sync --source revocation=…/revocation` their `revocation` check
//! fails with `REVOKED` (cli/tests/revocation_sync.rs).

use anyhow::Result;
use healthcert_core::formats::RevocationHashKind;
use healthcert_core::trust::revocation::Mode;

use super::{Cases, VALID};
use crate::hcert;
use crate::revocation::REVOKED;

pub(super) fn add(c: &mut Cases<'_>) -> Result<()> {
    for (name, signer, mode, kind) in REVOKED {
        let dcc = match mode {
            Mode::Point => hcert::vaccination,
            Mode::Vector => hcert::test,
            Mode::Coordinate => hcert::recovery,
        };
        let what = match kind {
            RevocationHashKind::Uci => "UCI",
            RevocationHashKind::CountryCodeUci => "country+UCI",
            RevocationHashKind::Signature => "signature",
        };
        // Build tooling: one short string per case, for the process's life.
        let description: &'static str = Box::leak(
            format!(
                "Revoked by its {what} hash in the fixture revocation service (kid in {mode} mode); \
                 valid without that service's data."
            )
            .into_boxed_str(),
        );
        let case = c.draft(name, signer, dcc);
        c.add(case, description, VALID)?;
    }
    Ok(())
}
