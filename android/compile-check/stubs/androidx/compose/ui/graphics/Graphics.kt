@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.compose.ui.graphics

import androidx.compose.runtime.Immutable

/** A colour (packed; not the real encoding). */
@Immutable
@JvmInline
value class Color(val value: ULong) {
    companion object {
        val Black: Color get() = TODO()
        val White: Color get() = TODO()
        val Unspecified: Color get() = TODO()
    }
}

/** 0xAARRGGBB. */
fun Color(color: Int): Color = TODO()

/** 0xAARRGGBB in the low 32 bits. */
fun Color(color: Long): Color = TODO()

fun Color(red: Float, green: Float, blue: Float, alpha: Float = 1f): Color = TODO()

interface Shape

val RectangleShape: Shape get() = TODO()
