// Operational faults as sentences for the person holding the phone. The
// generated exceptions' `message` is UniFFI's debug form (`reason=…`, or
// `code=…, reason=…`): fine for a log, not for a screen. Shared by the
// Android app and the JVM tests (which check every variant).
package org.healthcert

/**
 * What went wrong, in one or two sentences an inspector can act on, ending
 * with the library's own reason (which never carries personal data).
 */
fun HealthcertException.userMessage(): String = when (this) {
    is HealthcertException.Database ->
        "The trust database on this device cannot be used. Free some storage and restart the app; " +
            "if that does not help, clear the app's data and sync again." + details(reason)
    is HealthcertException.Trust ->
        "The trust data bundled with this app does not verify, so nothing can be checked. " +
            "Install a correct build of the app." + details(reason)
    is HealthcertException.Sync ->
        "The trust lists cannot be synced now. Certificates are still checked against the trust data " +
            "already on this device." + details(reason)
    is HealthcertException.InvalidArgument ->
        "The verifier refused a setting or a camera frame." + details(reason)
}

/** ` Details: <reason>.` — or nothing for a blank reason. */
private fun details(reason: String): String {
    val text = reason.trim().trimEnd('.')
    return if (text.isEmpty()) "" else " Details: $text."
}
