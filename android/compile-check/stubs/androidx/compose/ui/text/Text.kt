@file:Suppress("unused")

package androidx.compose.ui.text

import androidx.compose.runtime.Immutable

@Immutable
class TextStyle

@Immutable
class TextLayoutResult private constructor()
