@file:Suppress("unused")

package androidx.compose.ui.text.font

import androidx.compose.runtime.Immutable

@Immutable
sealed class FontFamily {
    companion object {
        val Default: FontFamily get() = TODO()
        val SansSerif: FontFamily get() = TODO()
        val Serif: FontFamily get() = TODO()
        val Monospace: FontFamily get() = TODO()
    }
}

@Immutable
class FontWeight(val weight: Int) : Comparable<FontWeight> {
    override fun compareTo(other: FontWeight): Int = weight.compareTo(other.weight)

    companion object {
        val Normal: FontWeight get() = TODO()
        val Medium: FontWeight get() = TODO()
        val SemiBold: FontWeight get() = TODO()
        val Bold: FontWeight get() = TODO()
    }
}

@JvmInline
value class FontStyle(val value: Int)
