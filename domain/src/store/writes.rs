//! The one write path (group commit): every change to customers, payments, subscriptions and
//! webhooks is queued to a writer, and whatever queued while the writer was busy runs as one
//! group — one transaction, each operation in a savepoint of its own where it needs one (so a
//! failing one is rolled back alone and answered with its own error), the group's new customers
//! as one multi-row statement and its customer updates as another, its events and deliveries
//! written together at the end — and one commit answers them all. An operation is answered only
//! once that commit is done.
//!
//! Why: much of a write's cost was not SQLite's work but the round trips of its statements to
//! the writer's connection and each request waiting on the one before (docs/benchmarks.md). A
//! group pays `BEGIN`, `COMMIT` and the event statements once instead of once per request, and
//! the writer never waits for a request to come back between statements.
//!
//! On SQLite there is one writer (the database has one anyway). On PostgreSQL there are
//! [`POSTGRES_WRITERS`], each with its own connection; an operation goes to the writer its key
//! (the customer it is about) picks, so two operations on the same rows are never in two groups
//! at once and groups cannot deadlock on each other's row locks. Several processes on one
//! PostgreSQL database each have their own writers; row locks order them as before.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::{mpsc, oneshot, Notify};

use super::customers::{created, insert_rows, new_customer, update_locked, update_unchanged};
use super::events::{self, Change};
use super::{Backend, Clock};
use crate::customer::{Customer, CustomerForCreate, CustomerForUpdate};
use crate::error::{Error, Result};
use crate::merchant::Tenant;
use crate::timestamp::Timestamp;

/// Writers on PostgreSQL, each a connection of its own that commits groups in turn; with more,
/// several groups flush at once. Measured with `make bench-postgres` on two cores shared with the
/// database (docs/benchmarks.md): one writer makes the largest groups and did best (1, 4 and 8
/// tried); a server with cores to spare for PostgreSQL may gain from more, which the sharding by
/// customer keeps free of lock conflicts between them.
pub(super) const POSTGRES_WRITERS: usize = 1;

/// The most operations one group takes: enough to drain a queue of many clients, few enough that
/// an operation arriving just after a group left does not wait long for the next. On PostgreSQL
/// fewer: each savepoint that writes is a subtransaction, and past 64 in one transaction every
/// other session's snapshots get slower.
const MOST_PER_GROUP: usize = 256;
const MOST_PER_GROUP_ON_POSTGRES: usize = 60;

/// How an operation writes, which says whether it needs a savepoint of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Statements {
    /// Its one write is one statement, and nothing after it fails but reading back what that
    /// statement answered: on SQLite a failing statement leaves nothing behind, so it needs no
    /// savepoint there (on PostgreSQL a failed statement spoils the transaction, so it still
    /// gets one).
    One,
    /// More than one statement writes: a failure part way must undo the rest.
    Several,
}

/// A future an operation runs on the writer's connection.
pub(super) type WriteFuture<'c, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

/// What an operation wrote: its answer, and the changes to record as events.
pub(super) struct Written<T> {
    value: T,
    changes: Vec<(Tenant, Change)>,
}

impl<T> Written<T> {
    /// A write that is not a change merchants hear of (webhook bookkeeping).
    pub(super) fn quietly(value: T) -> Self {
        Written {
            value,
            changes: Vec::new(),
        }
    }

    /// A write that made `changes` to the tenant's objects.
    pub(super) fn with_changes(value: T, tenant: &Tenant, changes: Vec<Change>) -> Self {
        let changes = changes
            .into_iter()
            .map(|change| (tenant.clone(), change))
            .collect();
        Written { value, changes }
    }
}

/// The writers' queues.
pub(super) struct Writers {
    queues: Vec<mpsc::UnboundedSender<Queued>>,
    /// Spreads operations without a key (new customers) over the writers.
    next: AtomicUsize,
}

/// Where the writers write.
pub(super) enum WriterPool {
    /// The store's own writer: SQLite's connections are threads of their own, usable from any
    /// runtime.
    Shared(AnyPool),
    /// Connections of the writers' own to this PostgreSQL URL, opened on the writers' runtime,
    /// which their sockets belong to.
    Own(String),
}

/// One queued operation.
enum Queued {
    /// A new customer: a group writes all of its new customers in one statement.
    Insert(PendingInsert),
    /// A customer's update, made to the customer as read: a group writes all of its updates of
    /// customers still as read in one statement.
    Update(PendingUpdate),
    Operation(Box<dyn Operation>),
}

struct PendingUpdate {
    tenant: Tenant,
    read: Customer,
    update: CustomerForUpdate,
    answer: oneshot::Sender<Result<Customer>>,
}

struct PendingInsert {
    tenant: Tenant,
    input: CustomerForCreate,
    answer: oneshot::Sender<Result<Customer>>,
}

/// Answers an operation once its group's commit is known.
type Answer = Box<dyn FnOnce(&Result<()>) + Send>;

/// Answers `value` once the group has committed, or the commit's error.
fn after_commit<T: Send + 'static>(answer: oneshot::Sender<Result<T>>, value: T) -> Answer {
    Box::new(move |committed: &Result<()>| {
        let _ = answer.send(committed.clone().map(|()| value));
    })
}

/// An operation, its answer's type erased so one queue holds them all.
trait Operation: Send {
    fn statements(&self) -> Statements;

    /// Runs the operation (inside its savepoint) at `now`; answers whether it succeeded, the
    /// changes to record, and how to answer it after the commit.
    fn run<'c>(
        self: Box<Self>,
        connection: &'c mut AnyConnection,
        now: Timestamp,
    ) -> Pin<Box<dyn Future<Output = Ran> + Send + 'c>>;
}

struct Ran {
    succeeded: bool,
    changes: Vec<(Tenant, Change)>,
    answer: Answer,
}

struct Typed<T, F> {
    statements: Statements,
    work: F,
    answer: oneshot::Sender<Result<T>>,
}

impl<T, F> Operation for Typed<T, F>
where
    T: Send + 'static,
    F: for<'c> FnOnce(&'c mut AnyConnection, Timestamp) -> WriteFuture<'c, Written<T>>
        + Send
        + 'static,
{
    fn statements(&self) -> Statements {
        self.statements
    }

    fn run<'c>(
        self: Box<Self>,
        connection: &'c mut AnyConnection,
        now: Timestamp,
    ) -> Pin<Box<dyn Future<Output = Ran> + Send + 'c>> {
        let Typed { work, answer, .. } = *self;
        Box::pin(async move {
            match work(connection, now).await {
                Ok(Written { value, changes }) => Ran {
                    succeeded: true,
                    changes,
                    answer: after_commit(answer, value),
                },
                Err(error) => Ran {
                    succeeded: false,
                    changes: Vec::new(),
                    answer: Box::new(move |_: &Result<()>| {
                        let _ = answer.send(Err(error));
                    }),
                },
            }
        })
    }
}

impl Writers {
    /// Starts the writers on a thread of their own, so the store does not depend on the runtime
    /// that opened it; the thread ends when the last clone of the store is dropped.
    pub(super) fn start(
        pool: WriterPool,
        backend: Backend,
        clock: Arc<Clock>,
        deliveries: Arc<Notify>,
    ) -> Result<Self> {
        let count = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_WRITERS,
        };
        let (queues, receivers): (Vec<_>, Vec<_>) =
            (0..count).map(|_| mpsc::unbounded_channel()).unzip();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                tracing::error!(%error, "cannot start the writers' runtime");
                Error::Internal
            })?;
        std::thread::Builder::new()
            .name("shika-writer".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let pool = match pool {
                        WriterPool::Shared(pool) => pool,
                        WriterPool::Own(url) => match AnyPoolOptions::new()
                            .max_connections(u32::try_from(count).unwrap_or(u32::MAX))
                            .connect_lazy(&url)
                        {
                            Ok(pool) => pool,
                            Err(error) => {
                                tracing::error!(%error, "the writers cannot connect");
                                return;
                            }
                        },
                    };
                    let writers: Vec<_> = receivers
                        .into_iter()
                        .map(|queue| {
                            let writer = Writer {
                                pool: pool.clone(),
                                backend,
                                most_per_group: match backend {
                                    Backend::Sqlite => MOST_PER_GROUP,
                                    Backend::Postgres => MOST_PER_GROUP_ON_POSTGRES,
                                },
                                clock: clock.clone(),
                                deliveries: deliveries.clone(),
                            };
                            tokio::spawn(writer.run(queue))
                        })
                        .collect();
                    for writer in writers {
                        let _ = writer.await;
                    }
                });
            })
            .map_err(|error| {
                tracing::error!(%error, "cannot start the writers");
                Error::Internal
            })?;
        Ok(Writers {
            queues,
            next: AtomicUsize::new(0),
        })
    }

    /// Queues `work`, which writes as `statements` says, to the writer `key` picks and answers
    /// what it wrote, once committed.
    pub(super) async fn write<T, F>(&self, key: &str, statements: Statements, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection, Timestamp) -> WriteFuture<'c, Written<T>>
            + Send
            + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let operation = Queued::Operation(Box::new(Typed {
            statements,
            work,
            answer,
        }));
        self.queue(Some(key), operation)?;
        answered.await.map_err(|_| Error::Internal)?
    }

    /// Queues a new customer; stamped and given its id when its group runs.
    pub(super) async fn insert_customer(
        &self,
        tenant: &Tenant,
        input: CustomerForCreate,
    ) -> Result<Customer> {
        let (answer, answered) = oneshot::channel();
        let insert = Queued::Insert(PendingInsert {
            tenant: tenant.clone(),
            input,
            answer,
        });
        self.queue(None, insert)?;
        answered.await.map_err(|_| Error::Internal)?
    }

    /// Queues an update of the customer as `read`; see [`Queued::Update`].
    pub(super) async fn update_customer(
        &self,
        tenant: &Tenant,
        read: Customer,
        update: CustomerForUpdate,
    ) -> Result<Customer> {
        let (answer, answered) = oneshot::channel();
        let key = read.id.clone();
        let pending = Queued::Update(PendingUpdate {
            tenant: tenant.clone(),
            read,
            update,
            answer,
        });
        self.queue(Some(&key), pending)?;
        answered.await.map_err(|_| Error::Internal)?
    }

    fn queue(&self, key: Option<&str>, queued: Queued) -> Result<()> {
        let writer = match key {
            _ if self.queues.len() == 1 => 0,
            Some(key) => shard(key, self.queues.len()),
            None => self.next.fetch_add(1, Ordering::Relaxed) % self.queues.len(),
        };
        self.queues[writer].send(queued).map_err(|_| {
            tracing::error!("the writer has stopped");
            Error::Internal
        })
    }
}

/// Which of `count` writers takes operations on `key`: the same one every time.
fn shard(key: &str, count: usize) -> usize {
    // FNV-1a: stable across runs and processes, and enough to spread random ids.
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    usize::try_from(hash % count as u64).unwrap_or(0)
}

struct Writer {
    pool: AnyPool,
    backend: Backend,
    most_per_group: usize,
    clock: Arc<Clock>,
    deliveries: Arc<Notify>,
}

impl Writer {
    async fn run(self, mut queue: mpsc::UnboundedReceiver<Queued>) {
        let mut group = Vec::new();
        while queue.recv_many(&mut group, self.most_per_group).await > 0 {
            self.write_group(std::mem::take(&mut group)).await;
        }
    }

    /// Runs a group in one transaction and answers every operation in it.
    async fn write_group(&self, group: Vec<Queued>) {
        let mut answers = Vec::with_capacity(group.len());
        let committed = self.commit_group(group, &mut answers).await;
        match &committed {
            Ok(queued_deliveries) if *queued_deliveries > 0 => self.deliveries.notify_one(),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "a group of writes failed"),
        }
        let committed = committed.map(|_| ());
        for answer in answers {
            answer(&committed);
        }
    }

    /// Writes the group, pushing each operation's answer as it goes; answers how many deliveries
    /// it queued. An error here fails the whole group (every operation is answered with it).
    async fn commit_group(&self, group: Vec<Queued>, answers: &mut Vec<Answer>) -> Result<usize> {
        let alone = group.len() == 1;
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        let mut operations = Vec::new();
        for queued in group {
            match queued {
                Queued::Insert(insert) => inserts.push(insert),
                Queued::Update(update) => updates.push(update),
                Queued::Operation(operation) => operations.push(operation),
            }
        }
        let mut tx = self.pool.begin().await?;
        let mut savepoint = Savepoint::default();
        let mut changes = Vec::new();
        // Each batch is one statement.
        let batch_savepoints = !alone && self.needs_savepoint(Statements::One);
        self.insert_customers(
            &mut tx,
            inserts,
            batch_savepoints.then_some(&mut savepoint),
            &mut changes,
            answers,
        )
        .await?;
        self.update_customers(
            &mut tx,
            updates,
            batch_savepoints.then_some(&mut savepoint),
            &mut changes,
            answers,
        )
        .await?;
        for operation in operations {
            // A group of one needs no savepoint: if it fails, the transaction is not committed.
            let own_savepoint = !alone && self.needs_savepoint(operation.statements());
            if own_savepoint {
                savepoint.open(&mut tx).await?;
            }
            let ran = operation.run(&mut tx, self.clock.tick()).await;
            answers.push(ran.answer);
            if !ran.succeeded {
                if alone {
                    // Nothing else to keep: the transaction is dropped, so rolled back.
                    return Ok(0);
                }
                if own_savepoint {
                    savepoint.roll_back(&mut tx).await?;
                }
            }
            changes.extend(ran.changes);
        }
        savepoint.close(&mut tx).await?;
        let queued = events::record(&mut tx, self.backend, &changes).await?;
        tx.commit().await?;
        Ok(queued)
    }

    fn needs_savepoint(&self, statements: Statements) -> bool {
        self.backend == Backend::Postgres || statements == Statements::Several
    }

    /// The group's new customers, in one statement; if that fails (say, one's merchant was
    /// deleted meanwhile), each again on its own, so only the failing one fails. Each statement
    /// in a savepoint of its own when one is given.
    async fn insert_customers(
        &self,
        tx: &mut AnyConnection,
        inserts: Vec<PendingInsert>,
        mut savepoint: Option<&mut Savepoint>,
        changes: &mut Vec<(Tenant, Change)>,
        answers: &mut Vec<Answer>,
    ) -> Result<()> {
        let mut made = Vec::with_capacity(inserts.len());
        for insert in inserts {
            match new_customer(&self.clock, insert.input) {
                Ok(customer) => made.push((insert.tenant, customer, insert.answer)),
                Err(error) => {
                    let _ = insert.answer.send(Err(error));
                }
            }
        }
        if made.is_empty() {
            return Ok(());
        }
        let rows: Vec<_> = made
            .iter()
            .map(|(tenant, customer, _)| (tenant, customer))
            .collect();
        Savepoint::open_in(tx, savepoint.as_deref_mut()).await?;
        let together = insert_rows(tx, self.backend, &rows).await;
        drop(rows);
        if together.is_err() {
            Savepoint::roll_back_in(tx, savepoint.as_deref_mut()).await?;
        }
        for (tenant, customer, answer) in made {
            let inserted = match &together {
                Ok(()) => Ok(()),
                Err(_) => {
                    Savepoint::open_in(tx, savepoint.as_deref_mut()).await?;
                    let alone = insert_rows(tx, self.backend, &[(&tenant, &customer)]).await;
                    if alone.is_err() {
                        Savepoint::roll_back_in(tx, savepoint.as_deref_mut()).await?;
                    }
                    alone
                }
            };
            match inserted {
                Ok(()) => {
                    changes.push((tenant, created(&customer)));
                    answers.push(after_commit(answer, customer));
                }
                Err(error) => {
                    let _ = answer.send(Err(error));
                }
            }
        }
        Ok(())
    }
}

impl Writer {
    /// The group's updates: those whose customer is still as read in one statement; the others
    /// (and a second update of the same customer) each on their own, the customer read again.
    async fn update_customers(
        &self,
        tx: &mut AnyConnection,
        updates: Vec<PendingUpdate>,
        mut savepoint: Option<&mut Savepoint>,
        changes: &mut Vec<(Tenant, Change)>,
        answers: &mut Vec<Answer>,
    ) -> Result<()> {
        let mut made = Vec::with_capacity(updates.len());
        let mut again = Vec::new();
        for pending in updates {
            let now = self.clock.tick();
            if made
                .iter()
                .any(|(other, _, _): &(PendingUpdate, _, _)| other.read.id == pending.read.id)
            {
                again.push((pending, now));
                continue;
            }
            match pending.update.clone().apply(pending.read.clone(), now) {
                Ok(customer) => made.push((pending, customer, now)),
                Err(error) => {
                    let _ = pending.answer.send(Err(error));
                }
            }
        }
        if !made.is_empty() {
            let rows: Vec<_> = made
                .iter()
                .map(|(pending, customer, _)| (&pending.read, customer))
                .collect();
            Savepoint::open_in(tx, savepoint.as_deref_mut()).await?;
            let written = update_unchanged(tx, self.backend, &rows).await;
            drop(rows);
            if written.is_err() {
                Savepoint::roll_back_in(tx, savepoint.as_deref_mut()).await?;
            }
            let written = written.unwrap_or_default();
            for (pending, customer, now) in made {
                if !written.contains(&customer.id) {
                    again.push((pending, now));
                    continue;
                }
                changes.push((pending.tenant, Change::updated(&pending.read, &customer)));
                let answer = pending.answer;
                answers.push(after_commit(answer, customer));
            }
        }
        // In the order they were stamped, so a customer's `updated_at` only moves forward.
        again.sort_by_key(|(_, now)| *now);
        for (pending, now) in again {
            Savepoint::open_in(tx, savepoint.as_deref_mut()).await?;
            let target = (&pending.tenant, pending.read.id.as_str());
            match update_locked(tx, self.backend, target, pending.update, now).await {
                Ok((before, customer)) => {
                    changes.push((pending.tenant, Change::updated(&before, &customer)));
                    let answer = pending.answer;
                    answers.push(after_commit(answer, customer));
                }
                Err(error) => {
                    Savepoint::roll_back_in(tx, savepoint.as_deref_mut()).await?;
                    let _ = pending.answer.send(Err(error));
                }
            }
        }
        Ok(())
    }
}

/// The savepoint around the current operation of a group. Releasing one and opening the next is
/// one round trip; one left open is released by the commit.
#[derive(Default)]
struct Savepoint {
    open: bool,
}

impl Savepoint {
    /// Opens a savepoint for the next operation, releasing (keeping) the previous one's work.
    async fn open(&mut self, tx: &mut AnyConnection) -> Result<()> {
        let sql = if self.open {
            "RELEASE SAVEPOINT operation; SAVEPOINT operation"
        } else {
            "SAVEPOINT operation"
        };
        tx.execute(sql).await?;
        self.open = true;
        Ok(())
    }

    /// Undoes the current operation's work; the savepoint stays open for `open` to release.
    async fn roll_back(&mut self, tx: &mut AnyConnection) -> Result<()> {
        tx.execute("ROLLBACK TO SAVEPOINT operation").await?;
        Ok(())
    }

    /// `open`, if there is a savepoint to open.
    async fn open_in(tx: &mut AnyConnection, savepoint: Option<&mut Savepoint>) -> Result<()> {
        match savepoint {
            Some(savepoint) => savepoint.open(tx).await,
            None => Ok(()),
        }
    }

    /// `roll_back`, if there is a savepoint.
    async fn roll_back_in(tx: &mut AnyConnection, savepoint: Option<&mut Savepoint>) -> Result<()> {
        match savepoint {
            Some(savepoint) => savepoint.roll_back(tx).await,
            None => Ok(()),
        }
    }

    async fn close(&mut self, tx: &mut AnyConnection) -> Result<()> {
        if self.open {
            tx.execute("RELEASE SAVEPOINT operation").await?;
            self.open = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::shard;

    #[test]
    fn a_key_always_goes_to_the_same_writer_and_keys_spread_over_all() {
        let writers: Vec<_> = (0..400)
            .map(|i| shard(&format!("cus_{i:020}"), 4))
            .collect();
        assert_eq!(shard("cus_00000000000000000007", 4), writers[7]);
        for writer in 0..4 {
            let taken = writers.iter().filter(|&&w| w == writer).count();
            assert!(taken > 50, "writer {writer} takes {taken} of 400 keys");
        }
    }
}
