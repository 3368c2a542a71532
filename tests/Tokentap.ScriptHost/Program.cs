// Entry point of the test script host: "Tokentap.ScriptHost MANIFEST SCRIPT" imports the module and runs the script.
using System.Management.Automation;
using System.Management.Automation.Runspaces;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Tokentap.ScriptHost <module manifest> <script>");
    return 2;
}

using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
runspace.Open();
using var shell = PowerShell.Create();
shell.Runspace = runspace;

// pwsh's console host stops the running pipeline on Ctrl+C and keeps the process; so does this host.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shell.BeginStop(null, null);
};

shell.AddCommand("Import-Module").AddParameter("Name", args[0]).AddParameter("ErrorAction", "Stop");
shell.AddStatement().AddScript(args[1]);
try
{
    // Only the engine's core commands exist in this host (no Out-String), so objects print as their text.
    foreach (var item in shell.Invoke())
    {
        Console.WriteLine(item?.ToString());
    }

    if (shell.InvocationStateInfo.State == PSInvocationState.Stopped)
    {
        Console.Error.WriteLine("Stopped.");
        return 130;
    }

    foreach (var error in shell.Streams.Error)
    {
        Console.Error.WriteLine(error);
    }

    return shell.HadErrors ? 1 : 0;
}
catch (PipelineStoppedException)
{
    Console.Error.WriteLine("Stopped.");
    return 130;
}
catch (RuntimeException ex)
{
    Console.Error.WriteLine(ex.ErrorRecord?.ToString() ?? ex.Message);
    return 1;
}
