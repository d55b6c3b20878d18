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

    val Top: Vertical get() = TODO()
    val Start: Horizontal get() = TODO()

    fun spacedBy(space: Dp): HorizontalOrVertical = TODO()
}

interface ColumnScope {
    fun Modifier.weight(weight: Float, fill: Boolean = true): Modifier
    fun Modifier.align(alignment: Alignment.Horizontal): Modifier
}

interface RowScope {
    fun Modifier.weight(weight: Float, fill: Boolean = true): Modifier
}

interface BoxScope

@Composable
inline fun Column(
    modifier: Modifier = Modifier,
    verticalArrangement: Arrangement.Vertical = Arrangement.Top,
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

fun Modifier.fillMaxSize(fraction: Float = 1f): Modifier = TODO()
fun Modifier.fillMaxWidth(fraction: Float = 1f): Modifier = TODO()
fun Modifier.padding(all: Dp): Modifier = TODO()
fun Modifier.safeDrawingPadding(): Modifier = TODO()
fun Modifier.aspectRatio(ratio: Float, matchHeightConstraintsFirst: Boolean = false): Modifier = TODO()
