package org.healthcert.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
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
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.healthcert.app.HealthcertViewModel
import org.healthcert.app.R
import org.healthcert.core.CertificateType
import org.healthcert.core.QrMatrix
import org.healthcert.core.WalletEntry
import org.healthcert.displayText
import org.healthcert.qrMatrix

/**
 * "My certificates": the holder's wallet, each certificate with its kind,
 * the holder's name (through [displayText]) and label; tapping one shows its
 * QR code full-screen for presenting ([QrScreen]). Removing one deletes its
 * bytes from the database file (the core's `wallet_remove`).
 */
@Composable
fun WalletScreen(model: HealthcertViewModel, onPresent: () -> Unit, onBack: () -> Unit) {
    val entries by model.wallet.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { model.refreshWallet() }
    Surface(Modifier.fillMaxSize()) {
        Column(
            Modifier.safeDrawingPadding().verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            TextButton(onClick = onBack) { Text(stringResource(R.string.back)) }
            Text(stringResource(R.string.my_certificates), style = MaterialTheme.typography.titleMedium)
            if (entries.isEmpty()) Text(stringResource(R.string.wallet_empty))
            entries.forEach { entry ->
                Card(Modifier.fillMaxWidth().clickable { model.present(entry); onPresent() }) {
                    Column(Modifier.padding(12.dp)) {
                        Text(kindOf(entry), style = MaterialTheme.typography.titleMedium)
                        entry.certificate?.let { Text(displayText(it.holder.name)) }
                        entry.item.label?.let { Text(displayText(it), style = MaterialTheme.typography.bodySmall) }
                        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            Button(onClick = { model.present(entry); onPresent() }) { Text(stringResource(R.string.show_qr)) }
                            OutlinedButton(onClick = { model.removeFromWallet(entry.item.id) }) { Text(stringResource(R.string.remove)) }
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun kindOf(entry: WalletEntry): String = when (entry.certificate?.kind) {
    CertificateType.VACCINATION -> stringResource(R.string.kind_vaccination)
    CertificateType.TEST -> stringResource(R.string.kind_test)
    CertificateType.RECOVERY -> stringResource(R.string.kind_recovery)
    null -> stringResource(R.string.kind_unclear)
}

/** The presented certificate's QR code, full-screen on white, with a quiet zone. */
@Composable
fun QrScreen(model: HealthcertViewModel, onBack: () -> Unit) {
    val entry by model.presenting.collectAsStateWithLifecycle()
    val matrix = entry?.let { qrMatrix(it.item.payload) }
    Surface(Modifier.fillMaxSize()) {
        Column(Modifier.safeDrawingPadding().background(Color.White).padding(16.dp)) {
            TextButton(onClick = { model.present(null); onBack() }) { Text(stringResource(R.string.back), color = Color.Black) }
            Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
                if (matrix == null) Text(stringResource(R.string.qr_unavailable), color = Color.Black) else QrCode(matrix)
            }
        }
    }
}

/** The modules of [matrix] drawn as squares, 4 modules of quiet zone around. */
@Composable
private fun QrCode(matrix: QrMatrix) {
    val n = matrix.size.toInt()
    Canvas(Modifier.fillMaxWidth().aspectRatio(1f).background(Color.White)) {
        val module = size.width / (n + 8)
        for (y in 0 until n) for (x in 0 until n) {
            if (matrix.modules[y * n + x]) {
                drawRect(Color.Black, topLeft = Offset((x + 4) * module, (y + 4) * module), size = Size(module, module))
            }
        }
    }
}
