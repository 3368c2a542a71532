#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the Tokentap module into out/Tokentap, and optionally runs the tests or the benchmarks.
.DESCRIPTION
    Only orchestrates dotnet: everything also works with the dotnet commands this script prints.
    The quick start builds the module alone (src/Tokentap.PowerShell and what it references), so a first start is
    quick; -Test builds the whole solution and runs every test, -Bench runs the benchmarks.
    Exits with a non-zero code when a dotnet command fails.
.EXAMPLE
    ./build.ps1; Import-Module ./out/Tokentap/Tokentap.psd1; Start-Tokentap
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    # Also build the whole solution and run all tests (dotnet test, the command CI runs).
    [switch] $Test,
    # Run the benchmarks and rewrite docs/benchmarks.md.
    [switch] $Bench,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Dotnet {
    Write-Host "dotnet $args" -ForegroundColor Cyan
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args[0]) failed with exit code $LASTEXITCODE" }
}

Invoke-Dotnet build src/Tokentap.PowerShell/Tokentap.PowerShell.csproj -c $Configuration
Write-Host "Module ready: $(Join-Path $PSScriptRoot 'out/Tokentap/Tokentap.psd1')" -ForegroundColor Green

if ($Test) {
    Invoke-Dotnet test Tokentap.sln -c $Configuration
}

if ($Bench) {
    # Quoted: a bare -- would end the function's own arguments and never reach dotnet.
    Invoke-Dotnet run -c Release --project bench/Tokentap.Bench '--' all
}
