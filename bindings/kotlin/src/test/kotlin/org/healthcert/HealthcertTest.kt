// JVM tests of the generated Kotlin bindings against the real native
// library (through JNA), as JUnit 5 (Jupiter) tests with kotlin.test
// assertions. Run by bindings/kotlin/test.sh, which the README's test command
// calls, through the JUnit Platform console launcher. Paths come from system
// properties set by that script.
package org.healthcert

import java.io.File
import java.nio.file.Files
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.TimeUnit
import javax.imageio.ImageIO
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.healthcert.core.CertificateType
import org.healthcert.core.CheckKind
import org.healthcert.core.ClockSource
import org.healthcert.core.ClockState
import org.healthcert.core.Event
import org.healthcert.core.Outcome
import org.healthcert.core.Reason
import org.healthcert.core.ReasonClass
import org.healthcert.core.RuleOutcome
import org.healthcert.core.RuleType
import org.healthcert.core.SourceKind
import org.healthcert.core.Status
import org.healthcert.core.Verdict
import org.junit.jupiter.api.DisplayName
import org.junit.jupiter.api.Test

val fixtures = File(System.getProperty("healthcert.fixtures") ?: error("-Dhealthcert.fixtures is not set"))
val cli = File(System.getProperty("healthcert.cli") ?: error("-Dhealthcert.cli is not set"))
val at: Instant = Instant.parse("2026-09-01T12:00:00Z")

fun payload(name: String) = File(fixtures, "hcert/$name.txt").readText().trim()

fun tempDb(): String = Files.createTempDirectory("healthcert-kt").resolve("trust.db").toString()

fun config(
    db: String = tempDb(),
    sources: List<TrustSourceConfig> = emptyList(),
    maxAge: Long? = null,
) = VerifierConfig(
    databasePath = db,
    snapshot = File(fixtures, "trust/de/trustlist").readBytes(),
    snapshotKeyPem = File(fixtures, "trust/de/list-signing-key.pem").readText(),
    sources = sources,
    maxTrustAgeSeconds = maxAge,
)

/** The exception of a verifier opened on a text file holding [text] where
 * the trust database should be; the file must stay as it was. */
fun databaseFailure(text: String): HealthcertException.Database {
    val file = Files.createTempFile("healthcert-kt", ".db").toFile()
    file.writeText(text)
    val e = assertFailsWith<HealthcertException.Database> { Verifier(config(db = file.path)) }
    assertEquals(text, file.readText())
    return e
}

fun failing(v: Verdict): List<String> =
    v.checks.filter { it.outcome == Outcome.FAIL }.map { "${it.check}:${reasonCode(it.reason)}" }

/** The verdict at [at] of the fixture [name], which must be valid and of [format]. */
fun Verifier.validFixture(name: String, format: String): Verdict {
    val v = verifyAt(payload(name), at)
    assertEquals(Status.VALID, v.status, "$name: ${failing(v)}")
    assertEquals(format, v.format)
    return v
}

/** The luma plane of a picture, one byte per pixel, with a row stride wider than the width. */
fun lumaOf(file: File, padding: Int): Triple<ByteArray, Int, Int> {
    val image = ImageIO.read(file) ?: error("cannot read $file")
    val stride = image.width + padding
    val plane = ByteArray(stride * image.height)
    for (y in 0 until image.height) for (x in 0 until image.width) {
        val rgb = image.getRGB(x, y)
        val luma = (299 * ((rgb shr 16) and 0xff) + 587 * ((rgb shr 8) and 0xff) + 114 * (rgb and 0xff)) / 1000
        plane[y * stride + x] = luma.toByte()
    }
    return Triple(plane, image.width, stride)
}

/** `healthcert trust serve fixtures/trust` on a free loopback port. */
class TrustServer : AutoCloseable {
    private val process: Process = ProcessBuilder(cli.path, "trust", "serve", File(fixtures, "trust").path, "--addr", "127.0.0.1:0")
        .redirectErrorStream(true)
        .start()
    val url: String

    init {
        val line = process.inputStream.bufferedReader().readLine() ?: error("the trust server printed nothing")
        url = Regex("at (http://\\S+)").find(line)?.groupValues?.get(1) ?: error("no URL in: $line")
    }

    /** The DGCA, `de` and rule sources it serves, with the fixtures' keys. */
    val sources: List<TrustSourceConfig>
        get() = listOf(
            TrustSourceConfig(TrustSourceKind.DGCA, "$url/", null),
            TrustSourceConfig(TrustSourceKind.DE, "$url/de/trustList/DSC", File(fixtures, "trust/de/list-signing-key.pem").readText()),
            TrustSourceConfig(TrustSourceKind.RULES, "$url/", File(fixtures, "trust/rules/signing-key.pem").readText()),
        )

    override fun close() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
    }
}

/** Records what the core asked of [inner]. */
class Recording(private val inner: HttpTransport) : HttpTransport {
    val requests = CopyOnWriteArrayList<HttpRequest>()

    override suspend fun get(request: HttpRequest): HttpResponse {
        requests.add(request)
        return inner.get(request)
    }
}

/** The JUnit 5 tests, run by the JUnit Platform console launcher; each is
 * reported by its display name. */
class HealthcertTest {
    @Test
    @DisplayName("verifies fixture certificates")
    fun verifiesFixtures() {
        Verifier(config()).use { verifier ->
            val valid = verifier.validFixture("valid-vaccination", "hcert")
            assertEquals(ClockSource.FIXED, valid.clockSource)
            assertEquals(at, valid.clock)
            assertEquals(8, valid.checks.size)
            assertTrue(valid.checks.dropLast(1).filter { it.check != CheckKind.REVOCATION }.all { it.outcome == Outcome.PASS && it.reason == Reason.OK })
            // EU DCC revocation is not read yet (issue 17): not applicable.
            val revocation = valid.checks.first { it.check == CheckKind.REVOCATION }
            assertEquals(Pair(Outcome.SKIPPED, Reason.NOT_APPLICABLE), Pair(revocation.outcome, revocation.reason))
            // No country of arrival: the business rules do not apply.
            val rules = valid.checks.last()
            assertEquals(Triple(CheckKind.RULES, Outcome.SKIPPED, Reason.NOT_APPLICABLE), Triple(rules.check, rules.outcome, rules.reason))
            assertTrue(valid.rules.isEmpty())
            val cert = assertNotNull(valid.certificate)
            assertEquals(CertificateType.VACCINATION, cert.kind)
            assertTrue(cert.events.single() is Event.Vaccination)
            assertEquals("XT", cert.issuerCountry)
            assertTrue(valid.trust.source.contains("trust.db"))
            assertEquals(9UL, valid.trust.entries)

            val badSignature = verifier.verifyAt(payload("invalid-bad-signature"), at)
            assertEquals(Status.INVALID, badSignature.status)
            assertEquals(listOf("SIGNATURE:SIGNATURE_INVALID"), failing(badSignature))

            val expired = verifier.verifyAt(payload("invalid-expired"), at)
            assertEquals(Status.INVALID, expired.status)
            assertTrue(failing(expired).any { it.startsWith("VALIDITY:") }, failing(expired).toString())

            val unknown = verifier.verifyAt(payload("invalid-unknown-kid"), at)
            assertEquals(Status.UNKNOWN, unknown.status)
            val issuer = unknown.checks.first { it.check == CheckKind.SIGNATURE || it.check == CheckKind.ISSUER }
            assertEquals(ReasonClass.INCONCLUSIVE, reasonClass(unknown.checks.first { it.outcome == Outcome.FAIL }.reason), issuer.toString())

            // Garbage is a verdict, not an exception.
            val garbage = verifier.verifyPayload("HC1:not base45 at all")
            assertEquals(Status.INVALID, garbage.status)
            assertEquals(ClockSource.SYSTEM, garbage.clockSource)
            val bytes = verifier.verifyBytes(payload("valid-vaccination").toByteArray())
            assertEquals(Outcome.PASS, bytes.checks.first { it.check == CheckKind.SIGNATURE }.outcome)
        }
    }

    @Test
    @DisplayName("verifies a WHO DDCC and reads its core data set")
    fun verifiesWhoDdcc() {
        Verifier(config()).use { verifier ->
            val cert = assertNotNull(verifier.validFixture("valid-who-ddcc-vaccination", "who-ddcc").certificate)
            assertEquals(CertificateType.VACCINATION, cert.kind)
            assertEquals("Test Traveller", cert.holder.name)
            assertEquals("female", cert.holder.sex?.code)
            val v = cert.events.single() as Event.Vaccination
            assertEquals(Pair(1UL, 2UL), Pair(v.v1.doseNumber, v.v1.totalDoses))
            assertEquals("Comirnaty", v.v1.brand?.display)
            assertEquals("http://id.who.int/icd11/mms", v.v1.vaccine?.system)
            assertEquals(Triple("LOT-0001", "Test Vaccination Centre", "2026-06-01"), Triple(v.v1.lot, v.v1.centre, v.v1.nextDose))

            val t = assertNotNull(verifier.validFixture("valid-who-ddcc-test", "who-ddcc").certificate).events.single() as Event.Test
            assertEquals("260415000", t.v1.result?.code)
            assertEquals("http://loinc.org", t.v1.testType?.system)
        }
    }

    @Test
    @DisplayName("verifies a DIVOC credential with its issuer key from a registry, and refuses one whose holder is not signed")
    fun verifiesDivoc() {
        val db = tempDb()
        val registry = File(fixtures, "trust/divoc-registry.json").path
        val import = ProcessBuilder(cli.path, "trust", "import", "--db", db, registry).redirectErrorStream(true).start()
        val said = import.inputStream.bufferedReader().readText()
        assertEquals(0, import.waitFor(), said)
        Verifier(config(db = db)).use { verifier ->
            val v = verifier.verifyAt(File(fixtures, "divoc/valid.txt").readText().trim(), at)
            assertEquals(Status.VALID, v.status, failing(v).toString())
            assertEquals("divoc", v.format)
            val cert = assertNotNull(v.certificate)
            assertEquals("Testperson Divoc", cert.holder.name)
            val vaccination = cert.events.single() as Event.Vaccination
            assertEquals(Pair("TESTVAX", "TEST-LOT-DIVOC"), Pair(vaccination.v1.brand?.code, vaccination.v1.lot))

            val unsigned = verifier.verifyAt(File(fixtures, "divoc/unsigned-holder.txt").readText().trim(), at)
            assertEquals(listOf("SCHEMA:HOLDER_NOT_SIGNED"), failing(unsigned))
            assertEquals("", unsigned.certificate?.holder?.name, "an unsigned name is not shown")
            val tampered = verifier.verifyAt(File(fixtures, "divoc/tampered.txt").readText().trim(), at)
            assertEquals(listOf("SIGNATURE:SIGNATURE_INVALID"), failing(tampered))
        }
    }

    @Test
    @DisplayName("syncs SMART Health Card trust, then scans a card split over three QR codes, one frame each")
    fun scansAChunkedSmartHealthCardOverThreeFrames() {
        TrustServer().use { server ->
            val sources = listOf(
                // The directory snapshot (its signature checked with the
                // anchor certificate), then the issuers' own key sets and
                // revocation lists, from the server's mirror of them.
                TrustSourceConfig(TrustSourceKind.VCI, "${server.url}/vci/vci_snapshot.json", File(fixtures, "trust/vci/anchor.crt").readText()),
                TrustSourceConfig(TrustSourceKind.SHC_ISSUERS, "${server.url}/shc-issuers", null),
            )
            Verifier(config(sources = sources)).use { verifier ->
                val results = runBlocking { verifier.syncTrust(null) }
                assertEquals(listOf(SourceKind.VCI, SourceKind.SHC_ISSUERS), results.map { it.kind })
                assertTrue(results.all { it.ok }, results.toString())

                verifier.scanSession().use { session ->
                    session.setTimeBudgetMs(null)
                    // Chunk 3 first, then 1: each says how far the card is.
                    for ((chunk, found) in listOf(3 to 1u, 1 to 2u)) {
                        val (plane, width, stride) = lumaOf(File(fixtures, "shc/valid-chunked-$chunk.png"), padding = 8)
                        assertNull(session.submitFrame(plane, width.toUInt(), (plane.size / stride).toUInt(), stride.toUInt()), "chunk $chunk")
                        assertEquals(ChunkProgress(found, 3u), session.progress())
                    }
                    val (plane, width, stride) = lumaOf(File(fixtures, "shc/valid-chunked-2.png"), padding = 8)
                    val outcome = assertNotNull(session.submitFrame(plane, width.toUInt(), (plane.size / stride).toUInt(), stride.toUInt()))
                    assertNull(session.progress(), "the card is whole")
                    assertTrue(outcome.payload.startsWith("shc:/") && !outcome.payload.startsWith("shc:/1/"))
                    val verdict = outcome.verdict
                    assertEquals(Status.VALID, verdict.status, failing(verdict).toString())
                    assertEquals("shc", verdict.format)
                    val revocation = verdict.checks.first { it.check == CheckKind.REVOCATION }
                    assertEquals(Pair(Outcome.PASS, Reason.OK), Pair(revocation.outcome, revocation.reason), "the issuer's list is held")
                    val cert = assertNotNull(verdict.certificate)
                    assertEquals("https://shc.healthcert.test/issuer", cert.issuer)
                    assertTrue(cert.events.single() is Event.Vaccination)
                }
                // The revoked card, verified directly: revoked by the synced list.
                val revoked = verifier.verifyPayload(File(fixtures, "shc/invalid-revoked.txt").readText().trim())
                assertEquals(Status.INVALID, revoked.status)
                assertEquals(listOf("REVOCATION:REVOKED"), failing(revoked))
            }
        }
    }

    @Test
    @DisplayName("scans a fixture frame")
    fun scansAFixtureFrame() {
        val picture = File(fixtures, "hcert/valid-vaccination.png")
        val (plane, width, stride) = lumaOf(picture, padding = 16)
        val height = plane.size / stride
        val codes = scanFrame(plane, width.toUInt(), height.toUInt(), stride.toUInt())
        assertEquals(payload("valid-vaccination"), codes.single().text)
        // The viewfinder: a crop around the code finds it, a corner of the
        // frame finds nothing, a crop reaching outside the frame is misuse.
        val whole = FrameCrop(0u, 0u, width.toUInt(), height.toUInt())
        assertEquals(payload("valid-vaccination"), scanFrameIn(plane, width.toUInt(), height.toUInt(), stride.toUInt(), whole).single().text)
        assertTrue(scanFrameIn(plane, width.toUInt(), height.toUInt(), stride.toUInt(), FrameCrop(0u, 0u, 24u, 24u)).isEmpty())
        assertFailsWith<HealthcertException.InvalidArgument> {
            scanFrameIn(plane, width.toUInt(), height.toUInt(), stride.toUInt(), FrameCrop(1u, 0u, width.toUInt(), 10u))
        }

        Verifier(config()).use { verifier ->
            verifier.scanSession().use { session ->
                // Every strategy to its end: a loaded test machine must not
                // make a frame miss its time budget.
                session.setTimeBudgetMs(null)
                val first = assertNotNull(session.submitFrame(plane, width.toUInt(), height.toUInt(), stride.toUInt()))
                assertEquals(payload("valid-vaccination"), first.payload)
                assertTrue(first.verdict.checks.first { it.check == CheckKind.SIGNATURE }.outcome == Outcome.PASS)
                // The same code in the next frame is not reported again…
                assertNull(session.submitFrame(plane, width.toUInt(), height.toUInt(), stride.toUInt()))
                // …until the session is reset.
                session.reset()
                assertNotNull(session.submitFrame(plane, width.toUInt(), height.toUInt(), stride.toUInt()))
                // An empty frame holds nothing.
                assertNull(session.submitFrame(ByteArray(64 * 64) { 0x7f }, 64u, 64u, 64u))
                // A viewfinder crop away from the code: nothing; cleared: found again.
                session.reset()
                session.setCrop(FrameCrop(0u, 0u, 24u, 24u))
                assertNull(session.submitFrame(plane, width.toUInt(), height.toUInt(), stride.toUInt()))
                session.setCrop(null)
                assertNotNull(session.submitFrame(plane, width.toUInt(), height.toUInt(), stride.toUInt()))
            }
        }
        // A frame whose buffer is smaller than its dimensions is misuse: a typed exception.
        val e = assertFailsWith<HealthcertException.InvalidArgument> { scanFrame(ByteArray(10), 100u, 100u, 100u) }
        assertTrue(e.reason.isNotEmpty())
    }

    @Test
    @DisplayName("syncs from the loopback trust server")
    fun syncsFromTheLoopbackServer() {
        TrustServer().use { server ->
            Verifier(config(sources = server.sources, maxAge = 86_400)).use { verifier ->
                val events = CopyOnWriteArrayList<SyncEvent>()
                val progress = object : SyncProgress {
                    override fun onEvent(event: SyncEvent) {
                        events.add(event)
                    }
                }
                val results = runBlocking { verifier.syncTrust(progress) }
                assertEquals(3, results.size)
                assertTrue(results.all { it.ok }, results.toString())
                assertEquals(listOf(SourceKind.DGCA, SourceKind.DE, SourceKind.RULES), results.map { it.kind })
                assertEquals(9UL, results[0].entries)
                assertEquals(emptyList(), results[0].skipped)
                assertNull(results[0].error)
                assertEquals(3, events.filterIsInstance<SyncEvent.Started>().size)
                assertEquals(3, events.filterIsInstance<SyncEvent.Applied>().size)
                assertTrue(events.any { it is SyncEvent.Progress }, events.toString())

                val status = verifier.trustStatus()
                assertEquals(setOf(SourceKind.BUNDLED, SourceKind.DGCA, SourceKind.DE, SourceKind.RULES), status.map { it.kind }.toSet())
                val dgca = status.first { it.kind == SourceKind.DGCA }
                assertEquals("${server.url}/", dgca.location)
                assertEquals(9UL, dgca.entries)
                assertNotNull(dgca.lastSuccess)
                assertEquals(86_400L, dgca.maxAgeSeconds)
                assertTrue(!dgca.stale)

                // A second sync: nothing new, still fine.
                assertTrue(runBlocking { verifier.syncTrust(null) }.all { it.ok })

                // The synced business rules decide for the country of arrival.
                verifier.setArrival("XT", null, "de")
                val forXt = verifier.verifyAt(payload("valid-vaccination"), at)
                assertEquals(Status.VALID, forXt.status, failing(forXt).toString())
                assertEquals(listOf("GR-XT-0001", "VR-XT-0001", "VR-XT-0002"), forXt.rules.map { it.identifier })
                assertTrue(forXt.rules.all { it.outcome == RuleOutcome.PASSED && it.ruleType == RuleType.ACCEPTANCE && it.description.isNotEmpty() })
                verifier.setArrival("FR", null, null)
                val forFr = verifier.verifyAt(payload("valid-vaccination"), at)
                assertEquals(Status.UNKNOWN, forFr.status)
                assertEquals(Reason.NO_RULES, forFr.checks.first { it.check == CheckKind.RULES }.reason)
                assertFailsWith<HealthcertException.InvalidArgument> { verifier.setArrival("France", null, null) }
                verifier.setArrival(null, null, null)
                assertEquals(Outcome.SKIPPED, verifier.verifyAt(payload("valid-vaccination"), at).checks.last().outcome)
            }
        }
        // A server that is gone: every source fails, as results, not exceptions.
        val gone = listOf(TrustSourceConfig(TrustSourceKind.DGCA, "http://127.0.0.1:9/", null))
        Verifier(config(sources = gone)).use { verifier ->
            val results = runBlocking { verifier.syncTrust(null) }
            assertEquals(false, results.single().ok)
            assertEquals("network", results.single().error?.code)
            assertNull(results.single().entries)
            assertNotNull(verifier.trustStatus().first { it.kind == SourceKind.DGCA }.failureReason)
        }
    }

    @Test
    @DisplayName("syncs through the app's HTTP stack")
    fun syncsThroughTheAppsHttpStack() {
        TrustServer().use { server ->
            val transport = Recording(HttpUrlConnectionTransport())
            Verifier.withTransport(config(sources = server.sources), transport).use { verifier ->
                val results = runBlocking { verifier.syncTrust(null) }
                assertTrue(results.all { it.ok }, results.toString())
                assertEquals(9UL, results[0].entries)
                assertTrue(transport.requests.isNotEmpty())
                assertTrue(transport.requests.all { it.url.startsWith(server.url) && it.maxBodyBytes > 0uL && it.timeoutMs > 0uL })
                // The second sync is conditional: the core sends the ETags it holds.
                transport.requests.clear()
                assertTrue(runBlocking { verifier.syncTrust(null) }.all { it.ok })
                assertTrue(transport.requests.any { r -> r.headers.any { it.name.equals("If-None-Match", ignoreCase = true) } })
                val valid = verifier.verifyAt(payload("valid-vaccination"), at)
                assertEquals(Status.VALID, valid.status, failing(valid).toString())
            }
        }

        // What a transport reports becomes the source's failure code; the core
        // enforces the body cap even on a transport that ignores it.
        val dgca = listOf(TrustSourceConfig(TrustSourceKind.DGCA, "https://trust.example/", null))
        fun failureOf(transport: HttpTransport): String? =
            Verifier.withTransport(config(sources = dgca), transport).use { runBlocking { it.syncTrust(null) }.single().error?.code }
        val oversized = object : HttpTransport {
            override suspend fun get(request: HttpRequest) =
                HttpResponse(200u, emptyList(), ByteArray(request.maxBodyBytes.toInt() + 1))
        }
        assertEquals("too_large", failureOf(oversized))
        val refusing = object : HttpTransport {
            override suspend fun get(request: HttpRequest): HttpResponse = throw TransportException.Network("refused")
        }
        assertEquals("network", failureOf(refusing))
        val crashing = object : HttpTransport {
            override suspend fun get(request: HttpRequest): HttpResponse = throw IllegalStateException("a bug in the app")
        }
        assertEquals("network", failureOf(crashing))
        val missing = object : HttpTransport {
            override suspend fun get(request: HttpRequest) = HttpResponse(404u, emptyList(), ByteArray(0))
        }
        assertEquals("http_status", failureOf(missing))
        // The core follows redirects itself, each hop under its URL policy: a
        // hop down to plain http (here to 0.0.0.0) is refused, a hop within
        // https is followed (to a 404 here).
        fun redirectingTo(location: String) = object : HttpTransport {
            override suspend fun get(request: HttpRequest) =
                if (request.url.contains("/moved")) HttpResponse(404u, emptyList(), ByteArray(0))
                else HttpResponse(302u, listOf(HttpHeader("Location", location)), ByteArray(0))
        }
        assertEquals("insecure_url", failureOf(redirectingTo("http://0.0.0.0:9/moved")))
        assertEquals("insecure_url", failureOf(redirectingTo("http://127.0.0.1:9/moved")))
        assertEquals("http_status", failureOf(redirectingTo("https://mirror.example/moved")))
    }

    @Test
    @DisplayName("a device clock 3 h behind the server's date is suspect, 1 h is not")
    fun clockTamperDefence() {
        /** The served lists, their `Date` header set to the device clock + [offsetHours]. */
        fun dated(inner: HttpTransport, offsetHours: Long) = object : HttpTransport {
            override suspend fun get(request: HttpRequest): HttpResponse {
                val r = inner.get(request)
                val date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(offsetHours))
                return r.copy(headers = r.headers.filterNot { it.name.equals("Date", ignoreCase = true) } + HttpHeader("Date", date))
            }
        }
        TrustServer().use { server ->
            for ((offset, expected) in listOf(3L to ClockState.SUSPECT, 1L to ClockState.OK)) {
                Verifier.withTransport(config(sources = server.sources), dated(HttpUrlConnectionTransport(), offset)).use { verifier ->
                    assertTrue(runBlocking { verifier.syncTrust(null) }.all { it.ok })
                    val status = verifier.clockStatus()
                    assertEquals(expected, status.state, status.detail)
                    assertNotNull(status.lastServerTime)
                    val v = verifier.verifyPayload(payload("valid-vaccination"))
                    assertEquals(expected, v.clockCheck.state)
                    if (expected == ClockState.SUSPECT) {
                        assertEquals("CLOCK_SUSPECT", reasonCode(v.clockCheck.reason))
                        assertEquals(Status.UNKNOWN, v.status, "a suspect clock does not let valid stand")
                        assertTrue(failing(v).isEmpty(), failing(v).toString())
                    }
                    // An instant chosen by the app is not checked.
                    assertEquals(ClockState.NOT_APPLICABLE, verifier.verifyAt(payload("valid-vaccination"), at).clockCheck.state)
                }
            }
        }
    }

    @Test
    @DisplayName("the wallet keeps payloads exactly, checks travel, draws the QR code and forgets")
    fun wallet() {
        TrustServer().use { server ->
            Verifier(config(sources = server.sources)).use { verifier ->
                assertTrue(runBlocking { verifier.syncTrust(null) }.all { it.ok })
                val text = payload("valid-vaccination")
                val id = verifier.walletAdd(text.toByteArray(), "Erika, 2nd dose")
                val entry = verifier.walletList().single()
                assertEquals(id, entry.item.id)
                assertEquals(text, String(entry.item.payload), "stored exactly as given")
                assertEquals("hcert", entry.format)
                assertEquals("Testperson", entry.certificate?.holder?.familyName)
                // Travel: the rules of XT (synced above) at the reference time.
                val check = verifier.walletCheck(id, "XT", null, at)
                assertTrue(check.accepted, failing(check.verdict).toString())
                assertEquals(ClockState.NOT_APPLICABLE, check.verdict.clockCheck.state)
                assertNull(check.stopsAt, "valid until 2035, past the horizon")
                val qr = assertNotNull(qrMatrix(entry.item.payload))
                assertEquals(qr.size.toInt() * qr.size.toInt(), qr.modules.size)
                assertTrue(qr.modules.any { it } && qr.modules.any { !it })
                assertFailsWith<HealthcertException.InvalidArgument> { verifier.walletAdd("not a certificate".toByteArray(), null) }
                assertTrue(verifier.walletRemove(id))
                assertTrue(verifier.walletList().isEmpty())
            }
        }
    }

    @Test
    @DisplayName("country of arrival from the config")
    fun countryOfArrivalFromTheConfig() {
        // Rules for DE come with the rule service; none is held yet here, so the
        // configured country makes the rules check run and say it cannot tell.
        Verifier(config().copy(countryOfArrival = "DE", language = "de")).use { verifier ->
            val verdict = verifier.verifyAt(payload("valid-test"), at)
            assertEquals(Status.UNKNOWN, verdict.status)
            assertEquals(Reason.NO_RULES, verdict.checks.first { it.check == CheckKind.RULES }.reason)
            // The stable code and class of a reason, as docs/verdict.md lists them.
            assertEquals("NO_RULES", reasonCode(Reason.NO_RULES))
            assertEquals(ReasonClass.INCONCLUSIVE, reasonClass(Reason.NO_RULES))
        }
        assertFailsWith<HealthcertException.InvalidArgument> { Verifier(config().copy(countryOfArrival = "D")) }
    }

    @Test
    @DisplayName("operational faults are typed exceptions")
    fun operationalFaultsAreTypedExceptions() {
        val e = databaseFailure("this is a text file, not a trust database; it must stay as it is")
        assertTrue(e.reason.isNotEmpty())

        val badSnapshot = config().copy(snapshotKeyPem = File(fixtures, "trust/rules/signing-key.pem").readText())
        assertFailsWith<HealthcertException.Trust> { Verifier(badSnapshot) }

        val plainHttp = listOf(TrustSourceConfig(TrustSourceKind.DGCA, "http://example.org/", null))
        assertFailsWith<HealthcertException.InvalidArgument> { Verifier(config(sources = plainHttp)) }
    }

    @Test
    @DisplayName("operational faults read as sentences")
    fun operationalFaultsReadAsSentences() {
        // What the apps show: a sentence per kind of fault with the library's
        // reason, never the generated debug form (`reason=…`).
        val database = databaseFailure("not a database")
        assertTrue(database.message.orEmpty().startsWith("reason="), database.message)
        val shown = database.userMessage()
        assertTrue(shown.startsWith("The trust database on this device cannot be used."), shown)
        assertTrue(shown.endsWith(" Details: ${database.reason.trimEnd('.')}."), shown)
        val country = assertFailsWith<HealthcertException.InvalidArgument> { Verifier(config().copy(countryOfArrival = "D")) }
        assertTrue(country.userMessage().startsWith("The verifier refused a setting"), country.userMessage())
        assertTrue(country.userMessage().contains("ISO 3166-1 alpha-2"), country.userMessage())
        val every = listOf(
            database,
            HealthcertException.Trust("snapshot signature does not verify"),
            HealthcertException.Sync("http_client", "cannot build the HTTP client"),
            country,
            HealthcertException.InvalidArgument(""),
        )
        for (e in every) {
            val text = e.userMessage()
            assertTrue(!text.contains("reason=") && !text.contains("code="), text)
            assertTrue(text.first().isUpperCase() && text.endsWith("."), text)
        }
        assertEquals("The verifier refused a setting or a camera frame.", HealthcertException.InvalidArgument(" ").userMessage())
    }

    @Test
    @DisplayName("hostile text is shown escaped")
    fun hostileTextIsShownEscaped() {
        // What the apps show of a certificate: a forged name cannot clear the
        // screen, start a line of its own or reverse what the inspector reads.
        val forged = "Erika\u001b[2J\u001b[HVALID\r\nMusterfrau\u202egnirts\u0000"
        val shown = displayText(forged)
        assertTrue(shown.none { it.isISOControl() || it in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" }, shown)
        assertTrue(shown.startsWith("Erika\\u{1b}[2J"), shown)
        assertTrue(shown.contains("Musterfrau"), shown)
        assertEquals("Erika Mustermann", displayText("Erika Mustermann"))
        assertTrue(displayText("x".repeat(5000)).length < 700)
    }
}
