@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.camera.core

import androidx.camera.core.resolutionselector.ResolutionSelector
import java.nio.ByteBuffer
import java.util.concurrent.Executor

abstract class UseCase internal constructor()

interface Camera

class CameraSelector private constructor() {
    companion object {
        @JvmField val DEFAULT_BACK_CAMERA: CameraSelector = TODO()
        @JvmField val DEFAULT_FRONT_CAMERA: CameraSelector = TODO()
    }
}

interface ImageProxy : AutoCloseable {
    val planes: Array<PlaneProxy>
    val width: Int
    val height: Int
    val format: Int

    interface PlaneProxy {
        val rowStride: Int
        val pixelStride: Int
        val buffer: ByteBuffer
    }
}

class ImageAnalysis private constructor() : UseCase() {
    fun interface Analyzer {
        fun analyze(image: ImageProxy)
    }

    fun setAnalyzer(executor: Executor, analyzer: Analyzer) {}
    fun clearAnalyzer() {}

    class Builder {
        fun setBackpressureStrategy(strategy: Int): Builder = this
        fun setOutputImageFormat(outputImageFormat: Int): Builder = this
        fun setResolutionSelector(resolutionSelector: ResolutionSelector): Builder = this
        fun build(): ImageAnalysis = TODO()
    }

    companion object {
        const val STRATEGY_KEEP_ONLY_LATEST: Int = 0
        const val STRATEGY_BLOCK_PRODUCER: Int = 1
        const val OUTPUT_IMAGE_FORMAT_YUV_420_888: Int = 1
        const val OUTPUT_IMAGE_FORMAT_RGBA_8888: Int = 2
    }
}

class Preview private constructor() : UseCase() {
    interface SurfaceProvider

    fun setSurfaceProvider(surfaceProvider: SurfaceProvider?) {}

    class Builder {
        fun setResolutionSelector(resolutionSelector: ResolutionSelector): Builder = this
        fun build(): Preview = TODO()
    }
}
