"""A case's datastore through the real client's `Case` methods: the tree, folders, uploads with
the IOC and evidence flags, file info, updates, moves, downloads, deletes; and a manual hook."""

import io
import json
import uuid

from dfir_iris_client.case import Case

from conftest import ok


def new_case(session, label):
    case = Case(session=session)
    data = ok(case.add_case(case_name=f"{label} {uuid.uuid4().hex[:8]}", case_description="Compat scenario",
                            case_customer=1, case_classification=36, soc_id=""))
    case.set_cid(data["case_id"])
    return case, data["case_id"]


def root_of(case, cid):
    tree = ok(case.list_ds_tree(cid=cid))
    assert len(tree) == 1
    key = next(iter(tree))
    assert key.startswith("d-")
    return int(key[2:]), tree[key]


def folder_named(node, name):
    return next((int(k[2:]), v) for k, v in node["children"].items() if v.get("name") == name)


def test_tree_and_folders(session):
    case, cid = new_case(session, "Datastore folders")
    root_id, root = root_of(case, cid)
    assert root["is_root"] is True
    assert root["type"] == "directory"
    assert root["name"] == f"Case {cid}"
    assert sorted(v["name"] for v in root["children"].values()) == ["Evidences", "IOCs", "Images"]

    f = ok(case.add_ds_folder(parent_id=root_id, folder_name="dummy folder", cid=cid))
    assert f["path_case_id"] == cid
    assert isinstance(f["path_id"], int)
    assert isinstance(f["path_uuid"], str)
    assert f["path_name"] == "dummy folder"
    assert f["path_parent_id"] == root_id
    folder = f["path_id"]

    r = ok(case.rename_ds_folder(folder_id=folder, new_name="dummy folder renamed", cid=cid))
    assert r["path_name"] == "dummy folder renamed"

    parent = ok(case.add_ds_folder(parent_id=root_id, folder_name="dummy parent", cid=cid))["path_id"]
    moved = ok(case.move_ds_folder(folder_id=folder, parent_id=parent, cid=cid))
    assert moved["path_parent_id"] == parent
    _, root = root_of(case, cid)
    _, parent_node = folder_named(root, "dummy parent")
    assert folder_named(parent_node, "dummy folder renamed")[0] == folder

    # A folder cannot move below itself.
    assert case.move_ds_folder(folder_id=parent, parent_id=folder, cid=cid).is_error()

    ok(case.delete_ds_folder(parent, cid=cid))
    _, root = root_of(case, cid)
    assert all(v["name"] != "dummy parent" for v in root["children"].values())

    assert case.add_ds_folder(parent_id=999999999, folder_name="x", cid=cid).is_error()
    assert case.rename_ds_folder(folder_id=999999999, new_name="x", cid=cid).is_error()
    assert case.delete_ds_folder(999999999, cid=cid).is_error()
    assert case.move_ds_folder(folder_id=999999999, parent_id=root_id, cid=cid).is_error()
    assert case.move_ds_folder(folder_id=folder, parent_id=999999999, cid=cid).is_error()


def test_files_upload_info_update_download_delete(session):
    case, cid = new_case(session, "Datastore files")
    root_id, root = root_of(case, cid)
    images, _ = folder_named(root, "Images")
    content = b"compat datastore bytes\n" * 1000

    f = ok(case.add_ds_file(parent_id=root_id, file_stream=io.BytesIO(content), filename="dummy file",
                            file_description="dummy description", file_is_evidence=False, file_is_ioc=False,
                            file_tags=["t1", "t2"], cid=cid))
    assert f["file_original_name"] == "dummy file"
    assert f["file_description"] == "dummy description"
    assert f["file_size"] == len(content)
    assert isinstance(f["file_sha256"], str) and len(f["file_sha256"]) == 64
    assert isinstance(f["file_uuid"], str)
    assert isinstance(f["file_date_added"], str)
    assert f["file_case_id"] == cid
    assert f["file_parent_id"] == root_id
    assert f["file_is_ioc"] is False and f["file_is_evidence"] is False
    assert f["file_tags"] == "t1,t2"
    file_id = f["file_id"]

    info = ok(case.get_ds_file_info(file_id=file_id, cid=cid))
    assert info["added_by_user_id"] == 1
    assert isinstance(info["file_password"], str)
    assert isinstance(info["file_tags"], str)
    assert info["file_size"] == len(content)
    assert info["file_sha256"] == f["file_sha256"]

    got = case.download_ds_file(file_id=file_id, cid=cid)
    assert got.status_code == 200
    assert got.content == content

    u = ok(case.update_ds_file(file_id=file_id, file_description="dummy description updated",
                               file_is_evidence=True, file_is_ioc=True, cid=cid))
    assert u["file_description"] == "dummy description updated"
    assert u["file_is_evidence"] is True and u["file_is_ioc"] is True
    assert u["file_original_name"] == "dummy file"

    # The flags put the file's SHA-256 among the case's IOCs and the file among its evidences.
    iocs = ok(case.list_iocs(cid=cid))["ioc"]
    assert [(i["ioc_value"], i["ioc_type"]) for i in iocs] == [(f["file_sha256"], "sha256")]
    evidences = ok(case.list_evidences(cid=cid))["evidences"]
    assert [(e["filename"], e["file_hash"], e["file_size"]) for e in evidences] == \
        [("dummy file", f["file_sha256"], len(content))]

    ok(case.move_ds_file(file_id=file_id, parent_id=images, cid=cid))
    assert ok(case.get_ds_file_info(file_id=file_id, cid=cid))["file_parent_id"] == images
    _, root = root_of(case, cid)
    _, images_node = folder_named(root, "Images")
    assert images_node["children"][f"f-{file_id}"]["file_original_name"] == "dummy file"

    ok(case.delete_ds_file(file_id, cid=cid))
    assert case.get_ds_file_info(file_id=file_id, cid=cid).is_error()
    gone = case.download_ds_file(file_id=file_id, cid=cid)
    assert gone.status_code == 400
    assert json.loads(gone.content)["message"] == "Unable to get requested file ID"


def test_upload_failures(session):
    case, cid = new_case(session, "Datastore failures")
    root_id, _ = root_of(case, cid)
    r = case.add_ds_file(parent_id=root_id, file_stream=None, filename="dummy file",
                         file_description="dummy description", file_is_evidence=True, file_is_ioc=True, cid=cid)
    assert r.is_error()
    assert r.get_data()[0] == "No file provided"
    r = case.add_ds_file(parent_id=root_id + 100000, file_stream=None, filename="dummy file",
                         file_description="dummy description", file_is_evidence=True, file_is_ioc=True, cid=cid)
    assert r.is_error()
    assert r.get_msg() == "Invalid path node for this case"
    assert case.get_ds_file_info(file_id=999999999, cid=cid).is_error()
    assert case.update_ds_file(file_id=999999999, file_description="x", cid=cid).is_error()
    assert case.delete_ds_file(999999999, cid=cid).is_error()
    bad = case.download_ds_file(file_id=99999999, cid=cid)
    assert bad.status_code == 400
    assert json.loads(bad.content)["message"] == "Unable to get requested file ID"


def test_root_may_be_deleted_and_comes_back(session):
    case, cid = new_case(session, "Datastore root")
    root_id, _ = root_of(case, cid)
    ok(case.add_ds_file(parent_id=root_id, file_stream=io.BytesIO(b"x"), filename="x.txt",
                        file_description="x", cid=cid))
    ok(case.delete_ds_folder(root_id, cid=cid))
    new_root, root = root_of(case, cid)
    assert new_root != root_id
    assert sorted(v["name"] for v in root["children"].values()) == ["Evidences", "IOCs", "Images"]


def test_manual_hook_is_queued(session):
    case, cid = new_case(session, "Hooks")
    r = case.trigger_manual_hook("iris_check_module::on_manual_trigger_case", module_name="iris_check_module",
                                 targets=[cid], target_type="case", cid=cid)
    assert r.is_success(), r.get_msg()
    r = case.trigger_manual_hook("x", module_name="iris_check_module", targets=[], target_type="case", cid=cid)
    assert r.is_error()
