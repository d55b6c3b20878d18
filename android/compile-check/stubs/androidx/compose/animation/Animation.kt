@file:Suppress("unused")

package androidx.compose.animation

interface AnimatedVisibilityScope

/** The receiver of navigation-compose's destination content. */
sealed interface AnimatedContentScope : AnimatedVisibilityScope
