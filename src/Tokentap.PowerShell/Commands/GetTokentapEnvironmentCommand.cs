// Get-TokentapEnvironment: the variables Start-Tokentap sets, as objects or as text for another shell.
using System.Management.Automation;
using Tokentap.Engine.Facade;

namespace Tokentap.PowerShell.Commands;

[Cmdlet(VerbsCommon.Get, "TokentapEnvironment")]
[OutputType(typeof(TokentapEnvironmentVariable), typeof(string))]
public sealed class GetTokentapEnvironmentCommand : TokentapCmdlet
{
    /// <summary>Objects, or text for a .env file, PowerShell or a POSIX shell.</summary>
    [Parameter(Position = 0)]
    public TokentapEnvironmentFormat Format { get; set; } = TokentapEnvironmentFormat.Object;

    /// <summary>The proxy port to use when Tokentap is not running in this session (for a proxy in another shell).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var variables = Engine.GetEnvironment(MyInvocation.BoundParameters.ContainsKey(nameof(Port)) ? Port : null, this);
            if (Format == TokentapEnvironmentFormat.Object)
            {
                WriteObject(variables, enumerateCollection: true);
            }
            else
            {
                WriteObject(TokentapEngine.FormatEnvironment(variables, Format));
            }
        }
        catch (TokentapException ex)
        {
            WriteFailure(ex);
        }
    }
}
