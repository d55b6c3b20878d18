@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.compose.ui.res

import androidx.annotation.StringRes
import androidx.compose.runtime.Composable

@Composable
fun stringResource(@StringRes id: Int): String = TODO()

@Composable
fun stringResource(@StringRes id: Int, vararg formatArgs: Any): String = TODO()
