package org.healthcert.app.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import org.healthcert.core.Status

@Composable
fun HealthcertTheme(content: @Composable () -> Unit) {
    MaterialTheme(
        colorScheme = if (isSystemInDarkTheme()) darkColorScheme() else lightColorScheme(),
        content = content,
    )
}

val ValidGreen = Color(0xFF2E7D32)
val InvalidRed = Color(0xFFC62828)
val UnknownGrey = Color(0xFF616161)

/** Green, red or grey: the one thing an inspector must see at a glance. */
fun Status.color(): Color = when (this) {
    Status.VALID -> ValidGreen
    Status.INVALID -> InvalidRed
    Status.UNKNOWN -> UnknownGrey
}

private val dateTime: DateTimeFormatter =
    DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withZone(ZoneId.systemDefault())

fun Instant.display(): String = dateTime.format(this)

/** `3d 4h`, `5h 12m`, `40s`. */
fun ageOf(seconds: Long): String = when {
    seconds >= 86_400 -> "${seconds / 86_400}d ${seconds % 86_400 / 3_600}h"
    seconds >= 3_600 -> "${seconds / 3_600}h ${seconds % 3_600 / 60}m"
    seconds >= 60 -> "${seconds / 60}m"
    else -> "${seconds}s"
}
