@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.compose.foundation.layout

import androidx.compose.runtime.Composable
import androidx.compose.runtime.Stable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.Dp

object Arrangement {
    @Stable interface Horizontal
    @Stable interface Vertical
    @Stable interface HorizontalOrVertical : Horizontal, Vertical

    val Start: Horizontal get() = TODO()
    val End: Horizontal get() = TODO()
    val Top: Vertical get() = TODO()
    val Bottom: Vertical get() = TODO()
    val Center: HorizontalOrVertical get() = TODO()
    val SpaceBetween: HorizontalOrVertical get() = TODO()

    fun spacedBy(space: Dp): HorizontalOrVertical = TODO()
    fun spacedBy(space: Dp, alignment: Alignment.Horizontal): Horizontal = TODO()
    fun spacedBy(space: Dp, alignment: Alignment.Vertical): Vertical = TODO()
}

interface ColumnScope {
    fun Modifier.weight(weight: Float, fill: Boolean = true): Modifier
    fun Modifier.align(alignment: Alignment.Horizontal): Modifier
}

interface RowScope {
    fun Modifier.weight(weight: Float, fill: Boolean = true): Modifier
    fun Modifier.align(alignment: Alignment.Vertical): Modifier
}

interface BoxScope {
    fun Modifier.align(alignment: Alignment): Modifier
    fun Modifier.matchParentSize(): Modifier
}

@Composable
inline fun Column(
    modifier: Modifier = Modifier,
    verticalArrangement: Arrangement.Vertical = Arrangement.Top,
    horizontalAlignment: Alignment.Horizontal = Alignment.Start,
    content: @Composable ColumnScope.() -> Unit,
) {}

@Composable
inline fun Row(
    modifier: Modifier = Modifier,
    horizontalArrangement: Arrangement.Horizontal = Arrangement.Start,
    verticalAlignment: Alignment.Vertical = Alignment.Top,
    content: @Composable RowScope.() -> Unit,
) {}

@Composable
inline fun Box(
    modifier: Modifier = Modifier,
    contentAlignment: Alignment = Alignment.TopStart,
    propagateMinConstraints: Boolean = false,
    content: @Composable BoxScope.() -> Unit,
) {}

@Composable
fun Box(modifier: Modifier) {}

@Composable
fun Spacer(modifier: Modifier) {}

fun Modifier.fillMaxSize(fraction: Float = 1f): Modifier = TODO()
fun Modifier.fillMaxWidth(fraction: Float = 1f): Modifier = TODO()
fun Modifier.fillMaxHeight(fraction: Float = 1f): Modifier = TODO()
fun Modifier.size(size: Dp): Modifier = TODO()
fun Modifier.height(height: Dp): Modifier = TODO()
fun Modifier.width(width: Dp): Modifier = TODO()
fun Modifier.padding(all: Dp): Modifier = TODO()
fun Modifier.padding(horizontal: Dp = Dp(0f), vertical: Dp = Dp(0f)): Modifier = TODO()
fun Modifier.padding(start: Dp = Dp(0f), top: Dp = Dp(0f), end: Dp = Dp(0f), bottom: Dp = Dp(0f)): Modifier = TODO()
fun Modifier.safeDrawingPadding(): Modifier = TODO()
