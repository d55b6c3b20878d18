// Reference URDNA2015 (jsonld.js) over the contexts bundled in rust-core/src/jsonld/contexts.
// usage: node canon.js CONTEXT_DIR DOC.json doc|proof|proof-sec-v2  > out.nq
const fs = require('fs'); const path = require('path'); const jsonld = require('jsonld');
const [dir, file, what] = process.argv.slice(2);
const map = {
  'https://www.w3.org/ns/did/v1': 'did-v1.jsonld',
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://w3id.org/security/v1': 'security-v1.jsonld',
  'https://w3id.org/security/v2': 'security-v2.jsonld',
  'https://w3id.org/security/v3-unstable': 'security-v3-unstable.jsonld',
  'https://w3id.org/security/suites/jws-2020/v1': 'suites-jws-2020.jsonld',
  'https://w3id.org/security/suites/ed25519-2018/v1': 'suites-ed25519-2018.jsonld',
  'https://cowin.gov.in/credentials/vaccination/v1': 'DIVOCVaccinationContextV1.json',
  'https://cowin.gov.in/credentials/vaccination/v2': 'DIVOCVaccinationContextV2.json',
};
const documentLoader = async (url) => {
  if (!map[url]) throw new Error('unknown context ' + url);
  return {contextUrl: null, documentUrl: url, document: JSON.parse(fs.readFileSync(path.join(dir, map[url]), 'utf8'))};
};
(async () => {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  let input;
  if (what === 'doc') { input = {...doc}; delete input.proof; }
  else { input = {...doc.proof}; delete input.jws; input['@context'] = what === 'proof' ? doc['@context'] : 'https://w3id.org/security/v2'; }
  const nq = await jsonld.canonize(input, {algorithm: 'URDNA2015', format: 'application/n-quads', documentLoader, safe: false});
  process.stdout.write(nq);
})().catch(e => { console.error(e); process.exit(1); });
