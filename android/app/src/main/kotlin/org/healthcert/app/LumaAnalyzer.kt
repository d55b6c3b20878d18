package org.healthcert.app

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy

/**
 * Hands the Y (luma) plane of each YUV_420_888 frame to [onFrame] as it is
 * laid out (row stride included), copied once into a reusable array. Runs
 * on the analysis executor, one frame at a time, so the array is never
 * shared between two frames in flight.
 */
class LumaAnalyzer(
    private val onFrame: (luma: ByteArray, width: Int, height: Int, rowStride: Int) -> Unit,
) : ImageAnalysis.Analyzer {
    private var luma = ByteArray(0)

    override fun analyze(image: ImageProxy) {
        image.use {
            val plane = it.planes[0]
            // The Y plane of YUV_420_888 has a pixel stride of 1: rows are contiguous bytes.
            check(plane.pixelStride == 1) { "unexpected Y pixel stride ${plane.pixelStride}" }
            val buffer = plane.buffer
            val size = buffer.remaining()
            if (luma.size != size) luma = ByteArray(size)
            buffer.get(luma, 0, size)
            // The last row may be shorter than the stride: the core needs
            // rowStride * (height - 1) + width bytes, which the plane holds.
            onFrame(luma, it.width, it.height, plane.rowStride)
        }
    }
}
