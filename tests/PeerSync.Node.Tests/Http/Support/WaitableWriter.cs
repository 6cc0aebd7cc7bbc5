using System.Text;

namespace PeerSync.Node.Tests.Http.Support;

/// <summary>An in-memory stdout/stderr for psync that a test can wait on until some text appears.</summary>
internal sealed class WaitableWriter : TextWriter
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Expected, TaskCompletionSource Signal)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value ?? "");

    public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    public async Task WaitForAsync(string expected)
    {
        Task signal;
        lock (_gate)
        {
            if (_text.ToString().Contains(expected, StringComparison.Ordinal))
            {
                return;
            }

            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((expected, source));
            signal = source.Task;
        }

        try
        {
            await signal.WaitAsync(HangGuard);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"never saw '{expected}' in:\n{this}");
        }
    }

    private void Append(string value)
    {
        lock (_gate)
        {
            _text.Append(value);
            var text = _text.ToString();
            foreach (var waiter in _waiters.Where(w => text.Contains(w.Expected, StringComparison.Ordinal)).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
