@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.compose.ui.geometry

import androidx.compose.runtime.Immutable

/** A point (not the real packed encoding). */
@Immutable
class Offset(val x: Float, val y: Float) {
    companion object {
        val Zero: Offset get() = TODO()
    }
}

/** A width and a height (not the real packed encoding). */
@Immutable
class Size(val width: Float, val height: Float)
