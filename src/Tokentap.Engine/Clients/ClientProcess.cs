// What the proxy learns about the process at the other end of a client connection.
namespace Tokentap.Engine.Clients;

/// <summary>The process that holds the client end of a proxy connection.</summary>
/// <param name="ProcessId">The process id.</param>
/// <param name="ProcessName">The process name (curl, claude, node, ...); null when it could not be read.</param>
/// <param name="Project">
/// The nearest folder with .git at or above the process's working directory, else that directory; null when the
/// working directory could not be read or would not name the right folder (see the resolvers).
/// </param>
public sealed record ClientProcess(int ProcessId, string? ProcessName, string? Project);
