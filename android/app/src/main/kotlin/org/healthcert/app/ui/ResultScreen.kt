package org.healthcert.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import org.healthcert.app.R
import org.healthcert.core.Check
import org.healthcert.core.ClockCheck
import org.healthcert.core.ClockState
import org.healthcert.core.FormatId
import org.healthcert.core.Outcome
import org.healthcert.core.ReasonClass
import org.healthcert.core.RuleOutcome
import org.healthcert.core.RuleResult
import org.healthcert.core.Status
import org.healthcert.core.Verdict
import org.healthcert.displayText
import org.healthcert.reasonClass
import org.healthcert.reasonCode

/**
 * Everything shown that a certificate, a trust list or a rule service wrote
 * goes through [displayText] (the core's sanitizer): a forged name cannot hide,
 * reorder or fake what the inspector reads.
 *
 * The verdict: its status; when it is UNKNOWN, why the verifier cannot tell
 * (never shown as invalid); the format; the normalized certificate
 * ([CertificateSection]: of the personal data, the holder's name and date of
 * birth only); every failing check with its stable reason code; the rules not
 * met and the trust data's age. A suspect device clock is a banner under the
 * status.
 */
@Composable
fun ResultScreen(verdict: Verdict?, onAddToWallet: () -> Unit, onScanAgain: () -> Unit) {
    Surface(Modifier.fillMaxSize()) {
        Column(
            Modifier.safeDrawingPadding().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            if (verdict == null) {
                Text(stringResource(R.string.no_result))
            } else {
                StatusBanner(verdict.status, Modifier.fillMaxWidth())
                // The device clock is behind the trusted times the core has
                // seen (or was off the server's at the last sync): every
                // time-bound check is in doubt, and a verdict that would be
                // valid is UNKNOWN. Said before anything else.
                if (verdict.clockCheck.state == ClockState.SUSPECT) {
                    ClockSuspectBanner(verdict.clockCheck)
                }
                // Inconclusive, said so first: the checks that could not
                // decide (a failure meaning "cannot tell", or a check that
                // applies but was not run), each with its reason; every check
                // that did not pass if none is marked inconclusive.
                if (verdict.status == Status.UNKNOWN) {
                    Text(stringResource(R.string.cannot_tell_because), style = MaterialTheme.typography.titleMedium)
                    val notPassed = verdict.checks.filter { it.outcome != Outcome.PASS }
                    notPassed.filter { reasonClass(it.reason) == ReasonClass.INCONCLUSIVE }
                        .ifEmpty { notPassed }
                        .forEach { FailingCheck(it) }
                }
                Text(stringResource(R.string.format, formatName(verdict.format)))
                verdict.certificate?.let { CertificateSection(it) }
                when (verdict.status) {
                    Status.INVALID -> {
                        Text(stringResource(R.string.failing_checks), style = MaterialTheme.typography.titleMedium)
                        verdict.checks.filter { it.outcome == Outcome.FAIL }.forEach { FailingCheck(it) }
                    }
                    Status.VALID ->
                        Text(stringResource(R.string.all_checks_passed, verdict.checks.count { it.outcome == Outcome.PASS }))
                    Status.UNKNOWN -> {}
                }
                // The business rules of the country of arrival that were not met.
                val rulesNotMet = verdict.rules.filter { it.outcome != RuleOutcome.PASSED }
                if (rulesNotMet.isNotEmpty()) {
                    Text(stringResource(R.string.rules_not_met), style = MaterialTheme.typography.titleMedium)
                    rulesNotMet.forEach { RuleNotMet(it) }
                }
                val trust = verdict.trust
                val age = trust.ageSeconds?.let(::ageOf) ?: stringResource(R.string.missing)
                Text(
                    stringResource(if (trust.stale) R.string.trust_stale else R.string.trust_fresh, age),
                    color = if (trust.stale) InvalidRed else MaterialTheme.colorScheme.onSurface,
                )
            }
            if (verdict?.certificate != null) {
                OutlinedButton(onClick = onAddToWallet, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.add_to_wallet)) }
            }
            Button(onClick = onScanAgain, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.scan_again)) }
        }
    }
}

/** The format's name for people; the core's own name for one this app does not know. */
@Composable
private fun formatName(format: FormatId): String = when (format) {
    "hcert" -> stringResource(R.string.format_hcert)
    "who-ddcc" -> stringResource(R.string.format_who_ddcc)
    "shc" -> stringResource(R.string.format_shc)
    "unknown" -> stringResource(R.string.format_unknown)
    else -> displayText(format)
}

@Composable
private fun ClockSuspectBanner(clock: ClockCheck) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp)) {
            Text(stringResource(R.string.clock_suspect), color = InvalidRed, style = MaterialTheme.typography.titleMedium)
            // The core's detail names both times; no personal data.
            Text("${reasonCode(clock.reason)}: ${displayText(clock.detail)}", style = MaterialTheme.typography.bodySmall)
        }
    }
}

@Composable
private fun FailingCheck(check: Check) {
    // Details explain the check; the core never puts personal data in them.
    Finding("${check.check.name.lowercase()}: ${reasonCode(check.reason)}", listOf(check.detail))
}

@Composable
private fun RuleNotMet(rule: RuleResult) {
    // In the language of the settings when the rule has it, else English.
    Finding("${rule.identifier}: ${rule.outcome.name.lowercase()}", listOfNotNull(rule.description, rule.detail))
}

/** A card: [heading] in monospace, then each of [details]. */
@Composable
private fun Finding(heading: String, details: List<String>) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp)) {
            Text(heading, fontFamily = FontFamily.Monospace)
            details.forEach { Text(displayText(it), style = MaterialTheme.typography.bodySmall) }
        }
    }
}
