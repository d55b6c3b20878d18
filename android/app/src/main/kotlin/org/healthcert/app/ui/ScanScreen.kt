package org.healthcert.app.ui

import android.Manifest
import android.content.pm.PackageManager
import android.util.Size
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.core.resolutionselector.ResolutionSelector
import androidx.camera.core.resolutionselector.ResolutionStrategy
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import java.util.concurrent.Executors
import org.healthcert.core.Status
import org.healthcert.app.Engine
import org.healthcert.app.HealthcertViewModel
import org.healthcert.app.LumaAnalyzer
import org.healthcert.app.R

@Composable
fun ScanScreen(model: HealthcertViewModel, onResult: () -> Unit, onSettings: () -> Unit, onWallet: () -> Unit) {
    val context = LocalContext.current
    var granted by remember {
        mutableStateOf(ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED)
    }
    val request = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    LaunchedEffect(Unit) { if (!granted) request.launch(Manifest.permission.CAMERA) }

    val engine by model.engine.collectAsStateWithLifecycle()
    val failure = (engine as? Engine.Failed)?.message
    val verdict by model.verdict.collectAsStateWithLifecycle()
    val progress = model.progress.collectAsStateWithLifecycle().value
    // While a chunked card is being assembled, its progress replaces the
    // last verdict (which is another code's).
    val status = verdict?.status.takeIf { progress == null }

    Box(Modifier.fillMaxSize().background(Color.Black)) {
        if (granted) CameraPreview(model, Modifier.fillMaxSize())
        // The live result: a frame around the preview in the verdict's colour.
        if (status != null) Box(Modifier.fillMaxSize().border(12.dp, status.color()))
        Column(Modifier.fillMaxSize().safeDrawingPadding().padding(16.dp)) {
            TextButton(onClick = onWallet, modifier = Modifier.align(Alignment.End)) {
                Text(stringResource(R.string.my_certificates), color = Color.White)
            }
            TextButton(onClick = onSettings, modifier = Modifier.align(Alignment.End)) {
                Text(stringResource(R.string.settings), color = Color.White)
            }
            Box(Modifier.weight(1f))
            val message = when {
                !granted -> stringResource(R.string.camera_permission_needed)
                engine is Engine.Opening -> stringResource(R.string.opening)
                failure != null -> stringResource(R.string.engine_failed, failure)
                progress != null -> stringResource(R.string.chunk_progress, progress.found.toInt(), progress.total.toInt())
                status == null -> stringResource(R.string.point_at_code)
                else -> null
            }
            if (message != null) {
                Text(message, color = Color.White, modifier = Modifier.background(Color(0x99000000)).padding(12.dp))
                if (!granted) Button(onClick = { request.launch(Manifest.permission.CAMERA) }) { Text(stringResource(R.string.grant)) }
                // Starts over: forgets the chunks found.
                if (progress != null) TextButton(onClick = model::scanAgain) { Text(stringResource(R.string.scan_again), color = Color.White) }
            } else if (status != null) {
                StatusBanner(status, Modifier.fillMaxWidth().clickable(onClick = onResult))
                TextButton(onClick = model::scanAgain) { Text(stringResource(R.string.scan_again), color = Color.White) }
            }
        }
    }
}

@Composable
fun StatusBanner(status: Status, modifier: Modifier = Modifier) {
    val label = when (status) {
        Status.VALID -> R.string.status_valid
        Status.INVALID -> R.string.status_invalid
        Status.UNKNOWN -> R.string.status_unknown
    }
    Text(
        stringResource(label),
        color = Color.White,
        fontSize = 32.sp,
        fontWeight = FontWeight.Bold,
        modifier = modifier.background(status.color()).padding(20.dp),
    )
}

/**
 * CameraX preview plus an [ImageAnalysis] that keeps only the latest frame
 * and analyses it on a background thread owned by this composable.
 */
@Composable
private fun CameraPreview(model: HealthcertViewModel, modifier: Modifier) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val previewView = remember { PreviewView(context) }
    DisposableEffect(lifecycleOwner) {
        val executor = Executors.newSingleThreadExecutor()
        val analysis = ImageAnalysis.Builder()
            .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
            .setOutputImageFormat(ImageAnalysis.OUTPUT_IMAGE_FORMAT_YUV_420_888)
            .setResolutionSelector(
                ResolutionSelector.Builder()
                    .setResolutionStrategy(
                        ResolutionStrategy(Size(1280, 720), ResolutionStrategy.FALLBACK_RULE_CLOSEST_HIGHER_THEN_LOWER),
                    )
                    .build(),
            )
            .build()
            .also { it.setAnalyzer(executor, LumaAnalyzer(model::submitFrame)) }
        val preview = Preview.Builder().build().also { it.setSurfaceProvider(previewView.surfaceProvider) }
        var disposed = false
        val providerFuture = ProcessCameraProvider.getInstance(context)
        providerFuture.addListener({
            if (disposed) return@addListener
            val provider = providerFuture.get()
            provider.unbindAll()
            provider.bindToLifecycle(lifecycleOwner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
        }, ContextCompat.getMainExecutor(context))
        onDispose {
            disposed = true
            if (providerFuture.isDone) providerFuture.get().unbind(preview, analysis)
            analysis.clearAnalyzer()
            executor.shutdown()
        }
    }
    AndroidView({ previewView }, modifier)
}
