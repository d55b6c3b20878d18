package org.healthcert.app

import android.app.Application
import android.util.Log
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import java.io.File
import java.io.IOException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.combine
import kotlinx.coroutines.flow.stateIn
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.healthcert.ChunkProgress
import org.healthcert.HealthcertException
import org.healthcert.HttpUrlConnectionTransport
import org.healthcert.ScanSession
import org.healthcert.SyncEvent
import org.healthcert.SyncProgress
import org.healthcert.TrustSourceConfig
import org.healthcert.TrustSourceKind
import org.healthcert.Verifier
import org.healthcert.VerifierConfig
import org.healthcert.core.SourceStatus
import org.healthcert.core.SyncSummary
import org.healthcert.core.Verdict
import org.healthcert.core.WalletEntry
import org.healthcert.userMessage

private const val TAG = "healthcert"

/** Verdicts say `stale` when the trust data is older than this. */
private const val MAX_TRUST_AGE_SECONDS = 3L * 24 * 60 * 60

/** The native verifier, open for as long as the activity's view model lives. */
sealed interface Engine {
    data object Opening : Engine
    data object Ready : Engine
    /** The verifier could not be opened: [message] is for the user and holds no personal data. */
    data class Failed(val message: String) : Engine
}

sealed interface SyncState {
    data object Idle : SyncState
    /** The last event of the sync in progress, when one arrived. */
    data class Running(val event: SyncEvent?) : SyncState
    data class Done(val results: List<SyncSummary>) : SyncState
    /** Syncing could not start: [message] is for the user. */
    data class Failed(val message: String) : SyncState
}

/**
 * Holds the [Verifier] and its [ScanSession]; hands camera frames to the
 * session and exposes verdicts, sync progress and trust status. Nothing here
 * decides anything about a certificate: the native library does.
 *
 * Never log personal data: no names, dates of birth, certificate ids or
 * payloads. Operational errors of the library never carry any.
 */
class HealthcertViewModel(app: Application) : AndroidViewModel(app) {
    private val preferences = Preferences(app)

    // Written once on Dispatchers.IO, read by the camera's analysis thread.
    @Volatile private var verifier: Verifier? = null
    @Volatile private var session: ScanSession? = null

    private val _engine = MutableStateFlow<Engine>(Engine.Opening)
    val engine: StateFlow<Engine> = _engine.asStateFlow()

    private val _verdict = MutableStateFlow<Verdict?>(null)
    /** The verdict of the last code scanned (personal data: show it, never log it). */
    val verdict: StateFlow<Verdict?> = _verdict.asStateFlow()

    private val _progress = MutableStateFlow<ChunkProgress?>(null)
    /**
     * The chunks of a SMART Health Card found so far while it is being
     * assembled across frames ("2 of 3"), as the session reports them; null
     * when no chunked card is in progress. Counts only: no personal data.
     */
    val progress: StateFlow<ChunkProgress?> = _progress.asStateFlow()

    private val _sync = MutableStateFlow<SyncState>(SyncState.Idle)
    val sync: StateFlow<SyncState> = _sync.asStateFlow()

    private val _trust = MutableStateFlow<List<SourceStatus>>(emptyList())
    val trust: StateFlow<List<SourceStatus>> = _trust.asStateFlow()

    /** The holder's certificates ("My certificates"). Personal data: shown, never logged. */
    private val _wallet = MutableStateFlow<List<WalletEntry>>(emptyList())
    val wallet: StateFlow<List<WalletEntry>> = _wallet.asStateFlow()

    /** The wallet certificate shown full-screen as a QR code, if any. */
    private val _presenting = MutableStateFlow<WalletEntry?>(null)
    val presenting: StateFlow<WalletEntry?> = _presenting.asStateFlow()

    /** The payload of the last verdict, kept in memory only so that the
     * holder can add it to the wallet from the result screen. */
    @Volatile private var lastPayload: ByteArray? = null

    /** Null until the inspector chooses a country: the rules check does not apply. */
    val countryOfArrival: StateFlow<String?> =
        preferences.countryOfArrival.stateIn(viewModelScope, SharingStarted.Eagerly, null)
    val language: StateFlow<String> =
        preferences.language.stateIn(viewModelScope, SharingStarted.Eagerly, Preferences.DEFAULT_LANGUAGE)

    init {
        viewModelScope.launch {
            _engine.value = try {
                // Opening may seed the database from the snapshot: not on the main thread.
                val opened = withContext(Dispatchers.IO) { Verifier.withTransport(config(getApplication()), HttpUrlConnectionTransport()) }
                verifier = opened
                session = opened.scanSession()
                refreshTrust()
                Engine.Ready
            } catch (e: HealthcertException) {
                Log.e(TAG, "cannot open the verifier: ${e.message}")
                Engine.Failed(e.userMessage())
            } catch (e: IOException) {
                Log.e(TAG, "cannot read the bundled trust snapshot: ${e.message}")
                Engine.Failed(getApplication<Application>().getString(R.string.snapshot_unreadable))
            }
            // The country of arrival and language of the settings decide
            // which business rules the verdicts check, now and on change.
            combine(countryOfArrival, language) { country, lang -> country to lang }.collect { (country, lang) ->
                val opened = verifier ?: return@collect
                try {
                    withContext(Dispatchers.IO) { opened.setArrival(country, null, lang) }
                } catch (e: HealthcertException) {
                    Log.w(TAG, "country of arrival not applied: ${e.message}")
                }
            }
        }
    }

    /**
     * One camera frame's luma plane (called on the analysis thread). The
     * session verifies a code once while it stays in view; a chunk of a
     * SMART Health Card gives no verdict until the last chunk is seen, only
     * [progress].
     */
    fun submitFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int) {
        val session = session ?: return
        try {
            val outcome = session.submitFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt())
            // outcome.payload is personal data: kept in memory for "add to my
            // certificates", never logged.
            if (outcome != null) {
                lastPayload = outcome.payload.toByteArray()
                _verdict.value = outcome.verdict
            }
            _progress.value = session.progress()
        } catch (e: HealthcertException) {
            Log.w(TAG, "frame rejected: ${e.message}")
        } catch (e: IllegalStateException) {
            // The session was closed (onCleared) while the camera delivered a last frame.
        }
    }

    /** Adds the certificate of the verdict shown to the wallet, exactly as scanned. */
    fun addToWallet() {
        val verifier = verifier ?: return
        val payload = lastPayload ?: return
        viewModelScope.launch {
            try {
                withContext(Dispatchers.IO) { verifier.walletAdd(payload, null) }
            } catch (e: HealthcertException) {
                // The message names a reason code, never the payload.
                Log.w(TAG, "wallet add: ${e.message}")
            }
            refreshWallet()
        }
    }

    fun refreshWallet() {
        val verifier = verifier ?: return
        viewModelScope.launch {
            try {
                _wallet.value = withContext(Dispatchers.IO) { verifier.walletList() }
            } catch (e: HealthcertException) {
                Log.w(TAG, "wallet: ${e.message}")
            }
        }
    }

    /** Removes a certificate; its bytes are gone from the database file afterwards. */
    fun removeFromWallet(id: Long) {
        val verifier = verifier ?: return
        viewModelScope.launch {
            try {
                withContext(Dispatchers.IO) { verifier.walletRemove(id) }
            } catch (e: HealthcertException) {
                Log.w(TAG, "wallet remove: ${e.message}")
            }
            refreshWallet()
        }
    }

    fun present(entry: WalletEntry?) {
        _presenting.value = entry
    }

    /** Forgets the verdict shown and any chunks found, so that the code in view is verified again. */
    fun scanAgain() {
        lastPayload = null
        _verdict.value = null
        _progress.value = null
        val session = session ?: return
        // reset() waits for the session's lock, which the analysis thread
        // holds for as long as a frame is decoded and verified: never on the
        // main thread. A frame finishing first reports nothing new (the same
        // code) or a new code's verdict; after the reset the code in view is
        // verified again.
        viewModelScope.launch(Dispatchers.IO) {
            try {
                session.reset()
                // The chunks found are forgotten with it.
                _progress.value = session.progress()
            } catch (e: IllegalStateException) {
                // The session was closed (onCleared) meanwhile.
            }
        }
    }

    /** Null: no country of arrival, the rules check does not apply. */
    fun setCountryOfArrival(code: String?) {
        viewModelScope.launch { preferences.setCountryOfArrival(code) }
    }

    fun setLanguage(code: String) {
        viewModelScope.launch { preferences.setLanguage(code) }
    }

    /** Syncs every configured trust source, reporting progress in [sync]. */
    fun syncNow() {
        val verifier = verifier ?: return
        if (_sync.value is SyncState.Running) return
        _sync.value = SyncState.Running(null)
        val progress = object : SyncProgress {
            // Called on a native background thread; trust lists hold no personal data.
            override fun onEvent(event: SyncEvent) {
                _sync.value = SyncState.Running(event)
            }
        }
        viewModelScope.launch {
            _sync.value = try {
                SyncState.Done(verifier.syncTrust(progress))
            } catch (e: HealthcertException) {
                Log.w(TAG, "sync failed: ${e.message}")
                SyncState.Failed(e.userMessage())
            }
            refreshTrust()
        }
    }

    fun refreshTrust() {
        val verifier = verifier ?: return
        viewModelScope.launch {
            try {
                _trust.value = withContext(Dispatchers.IO) { verifier.trustStatus() }
            } catch (e: HealthcertException) {
                Log.w(TAG, "trust status: ${e.message}")
            }
        }
    }

    override fun onCleared() {
        // viewModelScope is cancelled already (an ongoing sync with it). A call
        // in flight on the analysis thread finishes before the native object is
        // freed; later calls throw IllegalStateException (caught above).
        session?.close()
        session = null
        verifier?.close()
        verifier = null
    }
}

/**
 * The verifier's configuration: the database in the app's files dir, the
 * bundled TEST snapshot (assets/trust/de, copied from fixtures/ by Gradle),
 * and the sources of BuildConfig.TRUST_SERVER.
 */
private fun config(app: Application): VerifierConfig {
    val key = app.assets.open("trust/de/list-signing-key.pem").bufferedReader().use { it.readText() }
    val rulesKey = app.assets.open("trust/rules/signing-key.pem").bufferedReader().use { it.readText() }
    val server = BuildConfig.TRUST_SERVER.trimEnd('/')
    return VerifierConfig(
        databasePath = File(app.filesDir, "trust.db").path,
        snapshot = app.assets.open("trust/de/trustlist").use { it.readBytes() },
        snapshotKeyPem = key,
        sources = if (server.isEmpty()) emptyList() else listOf(
            TrustSourceConfig(TrustSourceKind.DGCA, "$server/", null),
            // The TEST server's German-shaped list is signed with the snapshot's key.
            TrustSourceConfig(TrustSourceKind.DE, "$server/de/trustList/DSC", key),
            // Business rules and value sets, X-SIGNATURE checked.
            TrustSourceConfig(TrustSourceKind.RULES, "$server/", rulesKey),
        ),
        maxTrustAgeSeconds = MAX_TRUST_AGE_SECONDS,
        // The settings screen's choice is applied with setArrival once open.
        countryOfArrival = null,
        region = null,
        language = null,
    )
}
