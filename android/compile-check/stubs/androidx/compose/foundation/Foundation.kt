@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.compose.foundation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.Stable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.RectangleShape
import androidx.compose.ui.graphics.Shape
import androidx.compose.ui.unit.Dp

@Stable
class ScrollState(initial: Int) {
    val value: Int get() = TODO()
}

@Composable
fun rememberScrollState(initial: Int = 0): ScrollState = TODO()

fun Modifier.verticalScroll(state: ScrollState, enabled: Boolean = true, reverseScrolling: Boolean = false): Modifier = TODO()

fun Modifier.background(color: Color, shape: Shape = RectangleShape): Modifier = TODO()

fun Modifier.border(width: Dp, color: Color, shape: Shape = RectangleShape): Modifier = TODO()

fun Modifier.clickable(
    enabled: Boolean = true,
    onClickLabel: String? = null,
    onClick: () -> Unit,
): Modifier = TODO()

@Composable
fun isSystemInDarkTheme(): Boolean = TODO()

@Composable
fun Canvas(modifier: Modifier, onDraw: androidx.compose.ui.graphics.drawscope.DrawScope.() -> Unit) {}
