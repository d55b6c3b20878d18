#!/usr/bin/env bash
# Xcode build phase: copies the project's TEST trust snapshot (a German-shaped
# signed list of the TEST issuer XT, and the key it is signed with) from
# fixtures/trust/de into the app bundle's TestSnapshot/. It seeds an empty
# trust database so that the first scan works offline. TEST material only:
# a production build bundles a real snapshot and its real key instead.
set -euo pipefail
src="${SRCROOT}/../fixtures/trust/de"
dst="${TARGET_BUILD_DIR}/${UNLOCALIZED_RESOURCES_FOLDER_PATH}/TestSnapshot"
mkdir -p "$dst"
cp "$src/trustlist" "$dst/trustlist"
cp "$src/list-signing-key.pem" "$dst/list-signing-key.pem"
# The TEST rule service's X-SIGNATURE key (business rules are synced).
cp "${SRCROOT}/../fixtures/trust/rules/signing-key.pem" "$dst/rules-signing-key.pem"
