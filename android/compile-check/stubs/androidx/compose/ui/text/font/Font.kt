@file:Suppress("unused")

package androidx.compose.ui.text.font

import androidx.compose.runtime.Immutable

@Immutable
sealed class FontFamily {
    companion object {
        val Monospace: FontFamily get() = TODO()
    }
}

@Immutable
class FontWeight(val weight: Int) : Comparable<FontWeight> {
    override fun compareTo(other: FontWeight): Int = weight.compareTo(other.weight)

    companion object {
        val Bold: FontWeight get() = TODO()
    }
}

@JvmInline
value class FontStyle(val value: Int)
