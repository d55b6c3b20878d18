package org.healthcert.app

import android.content.Context
import androidx.datastore.preferences.core.edit
import androidx.datastore.preferences.core.stringPreferencesKey
import androidx.datastore.preferences.preferencesDataStore
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.map

private val Context.dataStore by preferencesDataStore(name = "settings")

/**
 * The inspector's settings: the country of arrival whose business rules
 * verdicts check, and the language of rule descriptions.
 *
 * No country is chosen on a fresh install: no rules are held before the first
 * sync, and a country without rules makes every verdict UNKNOWN (`NO_RULES`).
 * Until the inspector picks one, the rules check does not apply.
 */
class Preferences(private val context: Context) {
    /** The country of arrival (ISO 3166-1 alpha-2), or null: none chosen, rules not checked. */
    val countryOfArrival: Flow<String?> =
        context.dataStore.data.map { it[COUNTRY] }
    val language: Flow<String> =
        context.dataStore.data.map { it[LANGUAGE] ?: DEFAULT_LANGUAGE }

    /** Stores the country of arrival; null removes it (rules not checked). */
    suspend fun setCountryOfArrival(code: String?) {
        context.dataStore.edit { if (code == null) it.remove(COUNTRY) else it[COUNTRY] = code }
    }

    suspend fun setLanguage(code: String) {
        context.dataStore.edit { it[LANGUAGE] = code }
    }

    companion object {
        private val COUNTRY = stringPreferencesKey("country_of_arrival")
        private val LANGUAGE = stringPreferencesKey("language")
        const val DEFAULT_LANGUAGE = "en"

        /** EU/EEA countries and Switzerland (ISO 3166-1 alpha-2). */
        val COUNTRIES = listOf(
            "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
            "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
        )

        /** ISO 639-1 codes of the languages rule descriptions come in. */
        val LANGUAGES = listOf("en", "de", "fr", "it", "es", "nl", "pl", "pt")
    }
}
