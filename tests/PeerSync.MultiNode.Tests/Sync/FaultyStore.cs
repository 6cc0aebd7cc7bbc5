using System.Reflection;
using PeerSync.Sync.Storage;

namespace PeerSync.MultiNode.Tests.Sync;

/// <summary>
/// A record store that fails the next call of one operation once (<see cref="FailNext"/>), or holds
/// it until released (<see cref="HoldNext"/>, or <see cref="BlockNext"/> on the calling thread), and
/// otherwise passes everything through.
/// </summary>
public class FaultyStore : DispatchProxy
{
    private IRecordStore _inner = null!;
    private string? _failNext;
    private readonly Lock _gate = new();
    private (string Method, HeldCall Call, bool BlockCaller)? _holdNext;

    /// <summary>How long a blocked caller waits at most for its release (a test that forgets it fails instead of hanging).</summary>
    private static readonly TimeSpan BlockBound = TimeSpan.FromSeconds(120);

    public static IRecordStore Wrap(IRecordStore inner, out FaultyStore control)
    {
        var proxy = Create<IRecordStore, FaultyStore>();
        control = (FaultyStore)(object)proxy;
        control._inner = inner;
        return proxy;
    }

    /// <summary>The next call of <paramref name="method"/> (e.g. "SealAsync") fails with an IOException.</summary>
    public void FailNext(string method) => Volatile.Write(ref _failNext, method);

    /// <summary>The next call of <paramref name="method"/> (one returning a Task of a result) waits until the returned call is released.</summary>
    public HeldCall HoldNext(string method) => Arm(method, blockCaller: false);

    /// <summary>
    /// The next call of <paramref name="method"/> blocks the thread that makes it until the returned
    /// call is released, as SQLite's "async" calls do (they run synchronously on the caller's thread).
    /// </summary>
    public HeldCall BlockNext(string method) => Arm(method, blockCaller: true);

    private HeldCall Arm(string method, bool blockCaller)
    {
        var call = new HeldCall();
        lock (_gate)
        {
            _holdNext = (method, call, blockCaller);
        }

        return call;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var armed = Volatile.Read(ref _failNext);
        if (armed == targetMethod.Name && ReferenceEquals(Interlocked.CompareExchange(ref _failNext, null, armed), armed))
        {
            var failure = new IOException($"injected failure of {targetMethod.Name}");
            return targetMethod.ReturnType.IsGenericType
                ? Generic(nameof(Faulted), targetMethod.ReturnType).Invoke(null, [failure])
                : Task.FromException(failure);
        }

        HeldCall? held = null;
        var blockCaller = false;
        lock (_gate)
        {
            if (_holdNext is { } hold && hold.Method == targetMethod.Name)
            {
                (held, blockCaller) = (hold.Call, hold.BlockCaller);
                _holdNext = null;
            }
        }

        if (held is not null && blockCaller)
        {
            held.Reached.TrySetResult();
            if (!held.Released.Task.Wait(BlockBound))
            {
                throw new TimeoutException($"the blocked call of {targetMethod.Name} was not released within {BlockBound}");
            }

            if (held.Failure is { } blockedFailure)
            {
                throw blockedFailure;
            }

            return Call(targetMethod, args);
        }

        if (held is not null)
        {
            return Generic(nameof(AfterReleaseAsync), targetMethod.ReturnType)
                .Invoke(null, [held, (Func<object?>)(() => Call(targetMethod, args))]);
        }

        return Call(targetMethod, args);
    }

    /// <summary>The helper <paramref name="name"/> made for the result type of a method returning <paramref name="taskType"/> (a Task of a result).</summary>
    private static MethodInfo Generic(string name, Type taskType) =>
        typeof(FaultyStore).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(taskType.GetGenericArguments()[0]);

    private static Task<T> Faulted<T>(Exception failure) => Task.FromException<T>(failure);

    private static async Task<T> AfterReleaseAsync<T>(HeldCall held, Func<object?> call)
    {
        held.Reached.TrySetResult();
        await held.Released.Task.ConfigureAwait(false);
        if (held.Failure is { } failure)
        {
            throw failure;
        }

        return await ((Task<T>)call()!).ConfigureAwait(false);
    }

    private object? Call(MethodInfo targetMethod, object?[]? args)
    {
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

/// <summary>A store call held by <see cref="FaultyStore.HoldNext"/>.</summary>
public sealed class HeldCall
{
    internal TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the held call has been made.</summary>
    public Task Made => Reached.Task;

    internal Exception? Failure { get; private set; }

    /// <summary>Lets the held call go on to the store.</summary>
    public void Release() => Released.TrySetResult();

    /// <summary>Ends the held call with <paramref name="failure"/> instead of going on to the store.</summary>
    public void Fail(Exception failure)
    {
        Failure = failure;
        Released.TrySetResult();
    }
}
