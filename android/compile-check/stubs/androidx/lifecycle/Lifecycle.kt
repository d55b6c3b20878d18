@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.lifecycle

import android.app.Application
import kotlinx.coroutines.CoroutineScope

abstract class Lifecycle {
    enum class State { DESTROYED, INITIALIZED, CREATED, STARTED, RESUMED }
    abstract val currentState: State
}

interface LifecycleOwner {
    val lifecycle: Lifecycle
}

abstract class ViewModel {
    protected open fun onCleared() {}
}

open class AndroidViewModel(application: Application) : ViewModel() {
    fun <T : Application> getApplication(): T = TODO()
}

/** lifecycle-viewmodel-ktx: cancelled when the view model is cleared. */
val ViewModel.viewModelScope: CoroutineScope get() = TODO()

class ViewModelProvider {
    interface Factory
}
