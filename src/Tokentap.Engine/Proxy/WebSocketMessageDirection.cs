// Which way a WebSocket message went.
namespace Tokentap.Engine.Proxy;

/// <summary>Direction of a WebSocket message.</summary>
public enum WebSocketMessageDirection
{
    ClientToServer,
    ServerToClient,
}
