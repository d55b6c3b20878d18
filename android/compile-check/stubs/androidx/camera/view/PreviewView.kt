@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.camera.view

import android.content.Context
import android.widget.FrameLayout
import androidx.camera.core.Preview

class PreviewView(context: Context) : FrameLayout(context) {
    val surfaceProvider: Preview.SurfaceProvider get() = TODO()
}
