# Module manifest for Tokentap. The build copies it into out/Tokentap with ModuleVersion stamped from
# Directory.Build.props; edit the cmdlet list here when a cmdlet is added or removed.
@{
    RootModule           = 'Tokentap.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'c2c8c931-90c7-4c1a-8a21-90a8e9ede08c'
    Author               = 'Tokentap contributors'
    CompanyName          = 'Tokentap'
    Copyright            = '(c) 2026 Tokentap contributors. MIT License.'
    Description          = 'See exactly how many LLM tokens, and how much money, your coding agents (Claude Code, Codex CLI, Gemini CLI, aider, SDK scripts) spend: a local HTTPS proxy inside pwsh that reads token usage from every LLM call, prices it and stores it for the pipeline.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    RequiredAssemblies   = @('Tokentap.Contracts.dll')
    FormatsToProcess     = @('Tokentap.Format.ps1xml')
    TypesToProcess       = @('Tokentap.Types.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Start-Tokentap'
        'Stop-Tokentap'
        'Get-Tokentap'
        'Invoke-TokentapCommand'
        'Get-TokentapEnvironment'
        'Get-TokenUsage'
        'Get-TokenUsageSummary'
        'Get-TokenUsageAnomaly'
        'Assert-TokenUsage'
        'Remove-TokenUsage'
        'Import-TokenUsage'
        'Add-TokenUsage'
        'Watch-TokenUsage'
        'Measure-TokenCount'
        'Get-TokentapPrice'
        'Import-TokentapPrice'
        'Install-TokentapCertificate'
        'Uninstall-TokentapCertificate'
        'Enable-TokentapAutoStart'
        'Disable-TokentapAutoStart'
        'Get-TokenUsageContent'
        'Enable-TokentapContentCapture'
        'Disable-TokentapContentCapture'
        'Get-TokentapBudget'
        'Set-TokentapBudget'
        'Remove-TokentapBudget'
        'Show-TokenUsageDashboard'
        'Stop-TokenUsageDashboard'
        'Enable-TokentapExport'
        'Get-TokentapExport'
        'Disable-TokentapExport'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('LLM', 'Tokens', 'Cost', 'Proxy', 'Claude', 'Codex', 'Gemini', 'OpenAI', 'Anthropic', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/tokentap/tokentap-powershell/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/tokentap/tokentap-powershell'
            ReleaseNotes = 'First release: in-process HTTPS proxy, exact token usage and cost for Anthropic, OpenAI, Google and OpenAI-compatible providers, LiteDB store, pipeline cmdlets and a live view.'
        }
    }
}
