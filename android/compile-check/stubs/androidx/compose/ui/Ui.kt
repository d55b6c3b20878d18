@file:Suppress("unused")

package androidx.compose.ui

import androidx.compose.runtime.Stable

@Stable
interface Modifier {
    fun then(other: Modifier): Modifier = TODO()

    companion object : Modifier
}

@Stable
fun interface Alignment {
    fun align(size: Long, space: Long, layoutDirection: Int): Long

    @Stable
    fun interface Horizontal {
        fun align(size: Int, space: Int, layoutDirection: Int): Int
    }

    @Stable
    fun interface Vertical {
        fun align(size: Int, space: Int): Int
    }

    companion object {
        val TopStart: Alignment get() = TODO()
        val Center: Alignment get() = TODO()
        val Top: Vertical get() = TODO()
        val CenterVertically: Vertical get() = TODO()
        val End: Horizontal get() = TODO()
    }
}
