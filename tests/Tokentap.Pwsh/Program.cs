// Entry point of the test pwsh: the same console host the shipped pwsh runs (profiles, -File, -Command,
// -NonInteractive, Ctrl+C, $LASTEXITCODE), built from Microsoft.PowerShell.ConsoleHost 7.6.
return Microsoft.PowerShell.UnmanagedPSEntry.Start(args, args.Length);
