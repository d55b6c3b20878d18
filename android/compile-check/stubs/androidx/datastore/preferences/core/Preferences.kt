@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.datastore.preferences.core

import androidx.datastore.core.DataStore

abstract class Preferences internal constructor() {
    class Key<T> internal constructor(val name: String)

    abstract operator fun <T> contains(key: Key<T>): Boolean
    abstract operator fun <T> get(key: Key<T>): T?
    abstract fun asMap(): Map<Key<*>, Any>
}

class MutablePreferences internal constructor() : Preferences() {
    override fun <T> contains(key: Key<T>): Boolean = TODO()
    override fun <T> get(key: Key<T>): T? = TODO()
    override fun asMap(): Map<Key<*>, Any> = TODO()
    operator fun <T> set(key: Key<T>, value: T) {}
    fun <T> remove(key: Key<T>): T = TODO()
    fun clear() {}
}

fun stringPreferencesKey(name: String): Preferences.Key<String> = TODO()
fun intPreferencesKey(name: String): Preferences.Key<Int> = TODO()
fun booleanPreferencesKey(name: String): Preferences.Key<Boolean> = TODO()

suspend fun DataStore<Preferences>.edit(transform: suspend (MutablePreferences) -> Unit): Preferences = TODO()
