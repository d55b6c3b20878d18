package org.healthcert.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import org.healthcert.app.R
import org.healthcert.core.Certificate
import org.healthcert.core.CertificateType
import org.healthcert.core.Code
import org.healthcert.core.Event
import org.healthcert.core.Recovery
import org.healthcert.core.TestEvent
import org.healthcert.core.Vaccination
import org.healthcert.displayText

/**
 * The normalized certificate (the WHO DDCC core data set the core maps every
 * format to): its type, issuer, holder, validity and each event as a card.
 * Nothing is decided here; the fields are shown as the core gives them.
 *
 * Every string a certificate wrote goes through [displayText] (the core's
 * sanitizer). Codes are shown as the display text the core gives with them,
 * else as the code. Format-only extras (`Certificate.extras`) are not shown:
 * the screen is the same for every format.
 */
@Composable
fun CertificateSection(certificate: Certificate) {
    val kind = when (certificate.kind) {
        CertificateType.VACCINATION -> R.string.kind_vaccination
        CertificateType.TEST -> R.string.kind_test
        CertificateType.RECOVERY -> R.string.kind_recovery
        null -> R.string.kind_unclear
    }
    Text(stringResource(kind), style = MaterialTheme.typography.titleMedium)
    // A SMART Health Card names its issuer by URL, an EU DCC by country, a
    // WHO DDCC may do both.
    val issuer = certificate.issuer?.takeIf { it.isNotEmpty() }
    val country = certificate.issuerCountry?.takeIf { it.isNotEmpty() }
    if (issuer != null) Text(stringResource(R.string.issuer, displayText(issuer)))
    if (country != null) Text(stringResource(R.string.issuer_country, displayText(country)))
    if (issuer == null && country == null) Text(stringResource(R.string.issuer_unnamed))

    val holder = certificate.holder
    Text(displayText(holder.name), style = MaterialTheme.typography.headlineSmall)
    Text(stringResource(R.string.date_of_birth, shown(holder.dateOfBirth)))

    // The validity period: the signature's (CWT/JWT), then the one the
    // content states, when it states one.
    val missing = stringResource(R.string.missing)
    Text(stringResource(R.string.issued_at, certificate.issuedAt?.display() ?: missing))
    Text(certificate.expiresAt?.let { stringResource(R.string.expires_at, it.display()) } ?: stringResource(R.string.expires_never))
    if (certificate.validFrom != null || certificate.validUntil != null) {
        Text(stringResource(R.string.valid_period, shown(certificate.validFrom), shown(certificate.validUntil)))
    }

    certificate.events.forEach { event ->
        when (event) {
            is Event.Vaccination -> VaccinationCard(event.v1)
            is Event.Test -> TestCard(event.v1)
            is Event.Recovery -> RecoveryCard(event.v1)
        }
    }
}

@Composable
private fun VaccinationCard(v: Vaccination) {
    EventCard(stringResource(R.string.event_vaccination)) {
        // The vaccine (type), then the product (brand) when given; a dash
        // for the vaccine when neither is.
        if (v.vaccine != null || v.brand == null) Text(stringResource(R.string.vaccine, shown(v.vaccine)))
        if (v.brand != null) Text(stringResource(R.string.vaccine_product, shown(v.brand)))
        Text(stringResource(R.string.dose, count(v.doseNumber), count(v.totalDoses)))
        Text(stringResource(R.string.vaccination_date, shown(v.date)))
        Text(stringResource(R.string.country, shown(v.country)))
        v.centre?.takeIf { it.isNotEmpty() }?.let { Text(stringResource(R.string.centre, displayText(it))) }
        v.lot?.takeIf { it.isNotEmpty() }?.let { Text(stringResource(R.string.lot, displayText(it))) }
    }
}

@Composable
private fun TestCard(t: TestEvent) {
    EventCard(stringResource(R.string.event_test)) {
        Text(stringResource(R.string.test_type, shown(t.testType)))
        Text(stringResource(R.string.test_result, shown(t.result)))
        Text(stringResource(R.string.sample_collected, shown(t.sampleCollectedAt)))
        Text(stringResource(R.string.country, shown(t.country)))
    }
}

@Composable
private fun RecoveryCard(r: Recovery) {
    EventCard(stringResource(R.string.event_recovery)) {
        Text(stringResource(R.string.first_positive, shown(r.firstPositive)))
        Text(stringResource(R.string.valid_period, shown(r.validFrom), shown(r.validUntil)))
        Text(stringResource(R.string.country, shown(r.country)))
    }
}

/** A card: [heading], then [lines]. */
@Composable
private fun EventCard(heading: String, lines: @Composable () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp)) {
            Text(heading, style = MaterialTheme.typography.titleSmall)
            lines()
        }
    }
}

/** A field as written, through the sanitizer; a dash when absent or empty. */
@Composable
private fun shown(text: String?): String =
    text?.takeIf { it.isNotEmpty() }?.let(::displayText) ?: stringResource(R.string.missing)

/** A code as its display text when the core gives one, else the code itself. */
@Composable
private fun shown(code: Code?): String =
    shown(code?.display?.takeIf { it.isNotEmpty() } ?: code?.code)

@Composable
private fun count(n: ULong?): String = n?.toString() ?: stringResource(R.string.missing)
