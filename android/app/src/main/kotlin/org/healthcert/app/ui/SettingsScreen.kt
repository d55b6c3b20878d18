package org.healthcert.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.healthcert.SyncEvent
import org.healthcert.app.Engine
import org.healthcert.app.HealthcertViewModel
import org.healthcert.app.Preferences
import org.healthcert.app.R
import org.healthcert.app.SyncState
import org.healthcert.core.SourceKind
import org.healthcert.core.SourceStatus

@Composable
fun SettingsScreen(model: HealthcertViewModel, onBack: () -> Unit) {
    val country by model.countryOfArrival.collectAsStateWithLifecycle()
    val language by model.language.collectAsStateWithLifecycle()
    val engine by model.engine.collectAsStateWithLifecycle()
    val sync by model.sync.collectAsStateWithLifecycle()
    val trust by model.trust.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refreshTrust() }

    Surface(Modifier.fillMaxSize()) {
        Column(
            Modifier.safeDrawingPadding().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            TextButton(onClick = onBack) { Text(stringResource(R.string.back)) }
            Text(stringResource(R.string.settings), style = MaterialTheme.typography.headlineSmall)
            // Applied to the verifier at once (setArrival): later verdicts
            // check that country's business rules; none, no rules check.
            val none = stringResource(R.string.country_none)
            Choice(
                stringResource(R.string.country_of_arrival), country, listOf<String?>(null) + Preferences.COUNTRIES,
                label = { it ?: none }, onChoose = model::setCountryOfArrival,
            )
            Choice(
                stringResource(R.string.language), language, Preferences.LANGUAGES,
                label = { it.orEmpty() }, onChoose = { it?.let(model::setLanguage) },
            )
            Text(
                country?.let { stringResource(R.string.rules_on, it) } ?: stringResource(R.string.rules_off),
                style = MaterialTheme.typography.bodySmall,
            )

            Text(stringResource(R.string.trust), style = MaterialTheme.typography.titleMedium)
            Text(stringResource(R.string.test_material), color = InvalidRed, style = MaterialTheme.typography.bodySmall)
            Button(
                onClick = model::syncNow,
                enabled = engine is Engine.Ready && sync !is SyncState.Running,
                modifier = Modifier.fillMaxWidth(),
            ) { Text(stringResource(R.string.sync_now)) }
            SyncProgressView(sync)
            trust.forEach { SourceCard(it) }
        }
    }
}

/** A setting with a dropdown of [options] ([label] names each, null included). */
@Composable
private fun Choice(
    title: String,
    value: String?,
    options: List<String?>,
    label: (String?) -> String,
    onChoose: (String?) -> Unit,
) {
    var open by remember { mutableStateOf(false) }
    Row(verticalAlignment = Alignment.CenterVertically) {
        Text(title, Modifier.weight(1f))
        Box {
            OutlinedButton(onClick = { open = true }) { Text(label(value)) }
            DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
                options.forEach { option ->
                    DropdownMenuItem(text = { Text(label(option)) }, onClick = {
                        onChoose(option)
                        open = false
                    })
                }
            }
        }
    }
}

@Composable
private fun SyncProgressView(sync: SyncState) {
    when (sync) {
        SyncState.Idle -> Unit
        is SyncState.Running -> {
            val event = sync.event
            val total = (event as? SyncEvent.Progress)?.total
            if (event is SyncEvent.Progress && total != null && total > 0u) {
                LinearProgressIndicator(
                    progress = { (event.done.toFloat() / total.toFloat()).coerceIn(0f, 1f) },
                    modifier = Modifier.fillMaxWidth(),
                )
            } else {
                LinearProgressIndicator(Modifier.fillMaxWidth())
            }
            if (event != null) Text(describe(event), style = MaterialTheme.typography.bodySmall)
        }
        is SyncState.Done -> sync.results.forEach { result ->
            val line = if (result.ok) {
                stringResource(R.string.sync_ok, result.kind.label, (result.entries ?: 0uL).toLong(), result.skipped.orEmpty().size.toLong())
            } else {
                stringResource(R.string.sync_failed, result.kind.label, result.error?.code ?: "", result.error?.reason ?: "")
            }
            Text(line, color = if (result.ok) ValidGreen else InvalidRed, style = MaterialTheme.typography.bodySmall)
        }
        is SyncState.Failed -> Text(sync.message, color = InvalidRed)
    }
}

@Composable
private fun describe(event: SyncEvent): String = when (event) {
    is SyncEvent.Started -> stringResource(R.string.event_started, event.source)
    is SyncEvent.Progress -> stringResource(R.string.event_progress, event.source, event.done.toLong(), event.total?.toString() ?: "?")
    is SyncEvent.Committing -> stringResource(R.string.event_committing, event.source)
    is SyncEvent.Applied -> stringResource(R.string.event_applied, event.source, event.entries.toLong())
    is SyncEvent.Failed -> stringResource(R.string.event_failed, event.source, event.code)
}

/** The kind's name as the CLI and the core spell it: `dgca`, `de`, `rules`, `import`, `bundled`. */
private val SourceKind.label: String get() = name.lowercase()

@Composable
private fun SourceCard(source: SourceStatus) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
            Text("${source.kind.label}  ${source.location}", style = MaterialTheme.typography.titleSmall)
            Text(stringResource(R.string.entries, source.entries.toLong(), source.skipped.toLong()))
            Text(stringResource(R.string.last_success, source.lastSuccess?.display() ?: "–"))
            source.lastFailure?.let { Text(stringResource(R.string.last_failure, it.display(), source.failureReason ?: "")) }
            val age = source.ageSeconds?.let(::ageOf) ?: "–"
            Text(
                stringResource(if (source.stale) R.string.age_stale else R.string.age, age),
                color = if (source.stale) InvalidRed else MaterialTheme.colorScheme.onSurface,
            )
        }
    }
}
