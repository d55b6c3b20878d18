@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.activity

import android.app.Activity
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleOwner
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider

open class ComponentActivity : Activity(), LifecycleOwner {
    override val lifecycle: Lifecycle get() = TODO()
}

class SystemBarStyle private constructor()

fun ComponentActivity.enableEdgeToEdge(
    statusBarStyle: SystemBarStyle = TODO(),
    navigationBarStyle: SystemBarStyle = TODO(),
) {}

inline fun <reified VM : ViewModel> ComponentActivity.viewModels(
    noinline factoryProducer: (() -> ViewModelProvider.Factory)? = null,
): Lazy<VM> = TODO()
