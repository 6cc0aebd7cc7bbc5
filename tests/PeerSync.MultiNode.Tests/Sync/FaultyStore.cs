using System.Reflection;
using PeerSync.Sync.Storage;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>A record store that fails the next call of one operation once (<see cref="FailNext"/>), and otherwise passes everything through.</summary>
public class FaultyStore : DispatchProxy
{
    private IRecordStore _inner = null!;
    private string? _failNext;

    public static IRecordStore Wrap(IRecordStore inner, out FaultyStore control)
    {
        var proxy = Create<IRecordStore, FaultyStore>();
        control = (FaultyStore)(object)proxy;
        control._inner = inner;
        return proxy;
    }

    /// <summary>The next call of <paramref name="method"/> (e.g. "SealAsync") fails with an IOException.</summary>
    public void FailNext(string method) => Volatile.Write(ref _failNext, method);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var armed = Volatile.Read(ref _failNext);
        if (armed == targetMethod.Name && ReferenceEquals(Interlocked.CompareExchange(ref _failNext, null, armed), armed))
        {
            return Task.FromException(new IOException($"injected failure of {targetMethod.Name}"));
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
