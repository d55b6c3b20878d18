@file:Suppress("unused")

package androidx.compose.ui.unit

import androidx.compose.runtime.Immutable

@Immutable
@JvmInline
value class Dp(val value: Float) : Comparable<Dp> {
    override fun compareTo(other: Dp): Int = value.compareTo(other.value)
    operator fun plus(other: Dp): Dp = Dp(value + other.value)
    operator fun minus(other: Dp): Dp = Dp(value - other.value)
    operator fun times(other: Float): Dp = Dp(value * other)
}

val Int.dp: Dp get() = Dp(toFloat())
val Float.dp: Dp get() = Dp(this)
val Double.dp: Dp get() = Dp(toFloat())

@Immutable
@JvmInline
value class TextUnit(val packedValue: Long) {
    companion object {
        val Unspecified: TextUnit get() = TODO()
    }
}

val Int.sp: TextUnit get() = TODO()
val Float.sp: TextUnit get() = TODO()
val Double.sp: TextUnit get() = TODO()
