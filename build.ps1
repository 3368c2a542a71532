#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the Tokentap module into out/Tokentap, and optionally runs the tests or the benchmarks.
.DESCRIPTION
    Only orchestrates dotnet: everything also works with the dotnet commands this script prints.
.EXAMPLE
    ./build.ps1; Import-Module ./out/Tokentap/Tokentap.psd1; Start-Tokentap
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    # Run all tests after building (the same command CI runs).
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

Invoke-Dotnet build Tokentap.sln -c $Configuration
Write-Host "Module ready: $(Join-Path $PSScriptRoot 'out/Tokentap/Tokentap.psd1')" -ForegroundColor Green

if ($Test) {
    Invoke-Dotnet test Tokentap.sln -c $Configuration --no-build
}

if ($Bench) {
    Invoke-Dotnet run -c Release --project bench/Tokentap.Bench -- all
}
