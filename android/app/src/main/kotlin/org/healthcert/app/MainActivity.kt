package org.healthcert.app

import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels
import androidx.compose.runtime.getValue
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import org.healthcert.app.ui.HealthcertTheme
import org.healthcert.app.ui.QrScreen
import org.healthcert.app.ui.ResultScreen
import org.healthcert.app.ui.ScanScreen
import org.healthcert.app.ui.SettingsScreen
import org.healthcert.app.ui.WalletScreen

class MainActivity : ComponentActivity() {
    private val model: HealthcertViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // The result screen shows a name and a date of birth: no screenshots,
        // no thumbnail in the recent apps.
        window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        enableEdgeToEdge()
        setContent {
            HealthcertTheme {
                val nav = rememberNavController()
                // The verdict stays in the view model: personal data never goes
                // into navigation arguments or saved state.
                NavHost(nav, startDestination = "scan") {
                    composable("scan") {
                        ScanScreen(
                            model = model,
                            onResult = { nav.navigate("result") },
                            onSettings = { nav.navigate("settings") },
                            onWallet = { nav.navigate("wallet") },
                        )
                    }
                    composable("result") {
                        val verdict by model.verdict.collectAsStateWithLifecycle()
                        ResultScreen(
                            verdict = verdict,
                            onAddToWallet = model::addToWallet,
                            onScanAgain = {
                                model.scanAgain()
                                nav.popBackStack("scan", inclusive = false)
                            },
                        )
                    }
                    composable("wallet") {
                        WalletScreen(model = model, onPresent = { nav.navigate("qr") }, onBack = { nav.popBackStack() })
                    }
                    composable("qr") {
                        QrScreen(model = model, onBack = { nav.popBackStack() })
                    }
                    composable("settings") {
                        SettingsScreen(model = model, onBack = { nav.popBackStack() })
                    }
                }
            }
        }
    }
}
