@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.navigation

open class NavController {
    fun navigate(route: String, navOptions: NavOptions? = null) {}
    fun popBackStack(): Boolean = TODO()
    fun popBackStack(route: String, inclusive: Boolean, saveState: Boolean = false): Boolean = TODO()
}

open class NavHostController : NavController()

class NavOptions private constructor()

class NavGraphBuilder private constructor()

class NavBackStackEntry private constructor()
